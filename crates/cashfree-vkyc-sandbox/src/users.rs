//! Create, Get and Update User, and the SDK auth token, with state: users
//! are kept per client id, as Cashfree keeps them per merchant.

use crate::api::{Reject, error, invalid, not_found_id};
use crate::state::lock;
use axum::http::StatusCode;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde_json::{Map, Value, json};
use std::collections::HashMap;
use std::sync::Mutex;

/// One user, as Create User stored it.
#[derive(Clone, Debug)]
struct UserRecord {
    user_id: String,
    user_reference_id: i64,
    phone: String,
    email: Option<String>,
    name: Option<String>,
    address: Option<String>,
}

impl UserRecord {
    fn to_json(&self) -> Value {
        let mut body = json!({
            "user_id": self.user_id,
            "user_reference_id": self.user_reference_id,
            "phone": self.phone,
        });
        for (field, value) in [
            ("email", &self.email),
            ("name", &self.name),
            ("address", &self.address),
        ] {
            if let Some(value) = value {
                body[field] = json!(value);
            }
        }
        body
    }
}

#[derive(Default)]
struct ClientUsers {
    by_id: HashMap<String, UserRecord>,
    by_reference: HashMap<i64, String>,
}

/// Every client id's users.
pub(crate) struct Users {
    clients: Mutex<HashMap<String, ClientUsers>>,
    next_reference_id: Mutex<i64>,
}

fn text(body: &Map<String, Value>, field: &str) -> Option<String> {
    body.get(field)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|s| !s.is_empty())
}

impl Users {
    pub fn new() -> Self {
        Users {
            clients: Mutex::new(HashMap::new()),
            next_reference_id: Mutex::new(1357),
        }
    }

    /// Create User: a reused `user_id` is Cashfree's duplicate answer.
    pub fn create(&self, client_id: &str, body: &Map<String, Value>) -> Result<Value, Reject> {
        let user_id = text(body, "user_id").unwrap_or_else(|| {
            // Cashfree makes one up when it is absent.
            format!("user_{:016x}", fastrand::u64(..))
        });
        let mut clients = lock(&self.clients);
        let users = clients.entry(client_id.to_owned()).or_default();
        if users.by_id.contains_key(&user_id) {
            return Err(error(
                StatusCode::CONFLICT,
                "validation_error",
                "user_id_already_exists",
                "user_id already exists",
            ));
        }
        let user_reference_id = {
            let mut next = lock(&self.next_reference_id);
            *next += 1;
            *next
        };
        let record = UserRecord {
            user_id: user_id.clone(),
            user_reference_id,
            phone: text(body, "phone").unwrap_or_default(),
            email: text(body, "email"),
            name: text(body, "name"),
            address: text(body, "address"),
        };
        let answer = record.to_json();
        users
            .by_reference
            .insert(user_reference_id, user_id.clone());
        users.by_id.insert(user_id, record);
        Ok(answer)
    }

    /// The `user_id` a request names, by `user_reference_id` or `user_id`
    /// (a number or its text), or Cashfree's 400 or 404.
    fn find(
        users: Option<&ClientUsers>,
        reference: Option<&Value>,
        user_id: Option<String>,
    ) -> Result<String, Reject> {
        let reference = match reference {
            Some(Value::Number(n)) => Some(n.as_i64()),
            Some(Value::String(s)) if !s.is_empty() => Some(s.trim().parse().ok()),
            _ => None,
        };
        match (reference, user_id) {
            (Some(None), _) => Err(invalid(
                "user_reference_id_value_invalid",
                "user_reference_id value is invalid.",
            )),
            (Some(Some(reference)), _) => users
                .and_then(|u| u.by_reference.get(&reference))
                .cloned()
                .ok_or_else(|| not_found_id("user_not_found", "user not found")),
            (None, Some(id)) => users
                .filter(|u| u.by_id.contains_key(&id))
                .map(|_| id)
                .ok_or_else(|| not_found_id("user_not_found", "user not found")),
            (None, None) => Err(invalid(
                "user_reference_id_missing",
                "either user_reference_id or user_id is required.",
            )),
        }
    }

    /// Get User, by query parameters.
    pub fn get(&self, client_id: &str, query: &HashMap<String, String>) -> Result<Value, Reject> {
        let clients = lock(&self.clients);
        let users = clients.get(client_id);
        let reference = query
            .get("user_reference_id")
            .filter(|s| !s.is_empty())
            .map(|s| Value::String(s.clone()));
        let user_id = query.get("user_id").filter(|s| !s.is_empty()).cloned();
        let id = Self::find(users, reference.as_ref(), user_id)?;
        Ok(users
            .and_then(|u| u.by_id.get(&id))
            .map(UserRecord::to_json)
            .unwrap_or_default())
    }

    /// Update User: email, name and address change; the phone cannot.
    pub fn update(&self, client_id: &str, body: &Map<String, Value>) -> Result<Value, Reject> {
        if body.contains_key("phone") {
            return Err(invalid("phone_value_invalid", "phone cannot be changed."));
        }
        let mut clients = lock(&self.clients);
        let id = Self::find(
            clients.get(client_id),
            body.get("user_reference_id"),
            text(body, "user_id"),
        )?;
        let Some(user) = clients
            .get_mut(client_id)
            .and_then(|u| u.by_id.get_mut(&id))
        else {
            return Err(not_found_id("user_not_found", "user not found"));
        };
        for (field, slot) in [
            ("email", &mut user.email),
            ("name", &mut user.name),
            ("address", &mut user.address),
        ] {
            if let Some(value) = text(body, field) {
                *slot = Some(value);
            }
        }
        Ok(user.to_json())
    }

    /// Whether a client has a user with this `user_reference_id`.
    pub fn has_reference(&self, client_id: &str, reference: i64) -> bool {
        lock(&self.clients)
            .get(client_id)
            .is_some_and(|u| u.by_reference.contains_key(&reference))
    }
}

/// The SDK auth token: a JWT-shaped token naming the verification, and its
/// expiry in IST under both names clients read (`expires_at`, the page's;
/// `expiry`, Cashfree's Node SDK's).
pub(crate) fn token(client_id: &str, verification_id: &str, app_id: &str) -> Value {
    let now = chrono::Utc::now();
    let ist = chrono::FixedOffset::east_opt(5 * 3600 + 30 * 60).expect("a valid offset");
    let expires = (now + chrono::Duration::minutes(30)).with_timezone(&ist);
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"none","typ":"JWT"}"#);
    let claims = json!({
        "iss": "cashfree-vkyc-sandbox",
        "aud": app_id,
        "sub": client_id,
        "vkyc_request_id": verification_id,
        "exp": expires.timestamp(),
    });
    let payload = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signature = URL_SAFE_NO_PAD.encode(fastrand::u64(..).to_be_bytes());
    let expiry = expires.format("%Y-%m-%d %H:%M:%S IST").to_string();
    json!({
        "access_token": format!("{header}.{payload}.{signature}"),
        "expires_at": expiry,
        "expiry": expiry,
    })
}
