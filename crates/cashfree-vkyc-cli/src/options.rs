//! The options every subcommand that calls Cashfree takes (who, where,
//! how to print), how a value given inside a subcommand, before it, or in
//! the environment is chosen, and the client they describe.

use crate::failure::{Failure, usage};
use crate::{notices, output};
use cashfree_vkyc::{Client, Environment, PpiStatusPath};
use clap::{Args, ValueEnum};
use std::time::Duration;

/// What every command that calls Cashfree takes: who, where, and how to
/// print.
#[derive(Args, Clone, Default)]
pub(crate) struct Call {
    #[command(flatten)]
    pub(crate) credentials: Credentials,
    #[command(flatten)]
    pub(crate) connection: Connection,
    #[command(flatten)]
    pub(crate) output: Output,
}

impl Call {
    /// `self` (inside the subcommand) over `outer` (before it).
    pub(crate) fn over(&self, outer: &Call) -> Call {
        Call {
            credentials: self.credentials.over(&outer.credentials),
            connection: self.connection.over(&outer.connection),
            output: self.output.over(&outer.output),
        }
    }
}

#[derive(Args, Clone, Default)]
pub(crate) struct Credentials {
    /// Client id [env: CASHFREE_CLIENT_ID].
    #[arg(long)]
    pub(crate) client_id: Option<String>,
    /// Client secret, never printed [env: CASHFREE_CLIENT_SECRET].
    #[arg(long)]
    pub(crate) client_secret: Option<String>,
    /// Where the two came from, for error messages.
    #[arg(skip)]
    pub(crate) from: Option<&'static str>,
}

impl Credentials {
    /// The flags given inside the subcommand, else before it, else the
    /// environment. Read here rather than by clap's `env`: with the flags
    /// at two levels, the variable read inside would hide a flag given
    /// before.
    pub(crate) fn over(&self, outer: &Credentials) -> Credentials {
        let id = flag_or_env(&self.client_id, &outer.client_id, "CASHFREE_CLIENT_ID");
        let secret = flag_or_env(
            &self.client_secret,
            &outer.client_secret,
            "CASHFREE_CLIENT_SECRET",
        );
        let from = match (&id, &secret) {
            (Some((_, Source::Flag)), Some((_, Source::Flag))) => {
                Some("the --client-id and --client-secret flags")
            }
            (Some((_, Source::Env)), Some((_, Source::Env))) => {
                Some("the CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET environment variables")
            }
            (Some(_), Some(_)) => Some(
                "a flag and an environment variable (CASHFREE_CLIENT_ID / CASHFREE_CLIENT_SECRET)",
            ),
            _ => None,
        };
        Credentials {
            client_id: id.map(|(v, _)| v),
            client_secret: secret.map(|(v, _)| v),
            from,
        }
    }
}

#[derive(Clone, Copy)]
enum Source {
    Flag,
    Env,
}

/// A flag's value, inside over before, else the variable's.
fn flag_or_env(
    inner: &Option<String>,
    outer: &Option<String>,
    var: &str,
) -> Option<(String, Source)> {
    match inner.as_ref().or(outer.as_ref()) {
        Some(value) => Some((value.clone(), Source::Flag)),
        None => std::env::var(var).ok().map(|value| (value, Source::Env)),
    }
}

#[derive(Args, Clone, Copy, Default)]
pub(crate) struct Output {
    /// Say on stderr when a request is retried, and why (always on when
    /// stderr is a terminal).
    #[arg(long, short)]
    pub(crate) verbose: bool,
    /// Machine-readable output: the library's one view of a verification,
    /// the same names for both families, with its request id.
    #[arg(long)]
    pub(crate) json: bool,
    /// Machine-readable output: Cashfree's own fields, exactly as sent
    /// (`reference_id` or `cf_verification_id`, per family).
    #[arg(long, conflicts_with = "json")]
    pub(crate) raw: bool,
}

impl Output {
    pub(crate) fn over(self, outer: &Output) -> Output {
        Output {
            verbose: self.verbose || outer.verbose,
            json: self.json || outer.json,
            raw: self.raw || outer.raw,
        }
    }

    pub(crate) fn format(self) -> output::Format {
        match (self.json, self.raw) {
            (_, true) => output::Format::Raw,
            (true, _) => output::Format::Json,
            _ => output::Format::Human,
        }
    }
}

/// Where the API is and how calls are made.
#[derive(Args, Clone, Default)]
pub(crate) struct Connection {
    /// Host root of the API, e.g. http://127.0.0.1:8080 (overrides --env).
    #[arg(long)]
    pub(crate) base_url: Option<String>,
    /// Cashfree environment [default: cashfree-sandbox, Cashfree's hosted
    /// sandbox; the local sandbox is a --base-url].
    #[arg(long = "env", value_enum)]
    pub(crate) env: Option<Env>,
    /// RSA public key (PEM file from Cashfree's dashboard): sign every
    /// Verification Suite request with a fresh x-cf-signature (2FA), for
    /// machines whose IP is not whitelisted [env: CASHFREE_PUBLIC_KEY].
    #[arg(long)]
    pub(crate) public_key: Option<String>,
    /// Seconds one attempt may take before it is abandoned (and retried)
    /// [default: 30].
    #[arg(long)]
    pub(crate) timeout: Option<u64>,
    /// The path PPI's status call uses: Cashfree documents it at both
    /// /ppi/kyc/vkyc/status and /ppi/kyc/vkyc/details [default: status].
    #[arg(long, value_enum)]
    pub(crate) ppi_status_path: Option<StatusPath>,
    /// Draw on the account's rate budget shared through this Redis
    /// (redis://, rediss://, with user:password@ for an ACL user), as the
    /// services of the account do, so that a script cannot push the
    /// account over its limit. Needs --budget-per-minute [env:
    /// CASHFREE_VKYC_REDIS_URL].
    #[arg(long)]
    pub(crate) redis: Option<String>,
    /// The account's requests per minute, the figure the services use
    /// (Cashfree's Secure ID tiers: 100, 200 or 5).
    #[arg(long)]
    pub(crate) budget_per_minute: Option<u32>,
}

#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum StatusPath {
    Status,
    Details,
}

impl Connection {
    /// `self` (inside the subcommand) over `outer` (before it).
    pub(crate) fn over(&self, outer: &Connection) -> Connection {
        Connection {
            base_url: self.base_url.clone().or_else(|| outer.base_url.clone()),
            env: self.env.or(outer.env),
            public_key: flag_or_env(&self.public_key, &outer.public_key, "CASHFREE_PUBLIC_KEY")
                .map(|(v, _)| v),
            timeout: self.timeout.or(outer.timeout),
            ppi_status_path: self.ppi_status_path.or(outer.ppi_status_path),
            redis: flag_or_env(&self.redis, &outer.redis, "CASHFREE_VKYC_REDIS_URL")
                .map(|(v, _)| v),
            budget_per_minute: self.budget_per_minute.or(outer.budget_per_minute),
        }
    }
}

#[derive(Clone, Copy, Default, ValueEnum)]
pub(crate) enum Env {
    /// Cashfree's hosted sandbox, https://sandbox.cashfree.com (not the
    /// local one: reach that with --base-url)
    #[default]
    #[value(name = "cashfree-sandbox", alias = "sandbox")]
    CashfreeSandbox,
    /// Cashfree's production, https://api.cashfree.com
    Production,
}

pub(crate) async fn client(call: &Call) -> Result<Client, Failure> {
    let connection = &call.connection;
    let (Some(id), Some(secret)) = (&call.credentials.client_id, &call.credentials.client_secret)
    else {
        return Err(usage(
            "credentials are needed: --client-id and --client-secret, or CASHFREE_CLIENT_ID and CASHFREE_CLIENT_SECRET",
        ));
    };
    let environment = match (&connection.base_url, connection.env.unwrap_or_default()) {
        (Some(url), _) => Environment::Custom(url.clone()),
        (None, Env::CashfreeSandbox) => Environment::CashfreeSandbox,
        (None, Env::Production) => Environment::Production,
    };
    let mut builder = Client::builder(id, secret)
        .environment(environment)
        .on_event(notices::on_event)
        .ppi_status_path(match connection.ppi_status_path {
            Some(StatusPath::Details) => PpiStatusPath::Details,
            _ => PpiStatusPath::Status,
        })
        .timeout(Duration::from_secs(connection.timeout.unwrap_or(30).max(1)));
    if let Some(path) = &connection.public_key {
        let pem = std::fs::read_to_string(path)
            .map_err(|e| usage(format!("cannot read the public key {path}: {e}")))?;
        builder = builder.public_key_pem(pem);
    }
    match (&connection.redis, connection.budget_per_minute) {
        (Some(url), Some(per_minute)) => {
            let rate = cashfree_vkyc::coordination::BudgetRate::per_minute(per_minute)?;
            let redis = cashfree_vkyc_redis::Redis::connect(url)
                .await
                .map_err(|e| usage(format!("--redis: {e}")))?;
            builder = builder.rate_budget(redis.budget(rate));
        }
        (Some(_), None) => return Err(usage("--redis needs --budget-per-minute")),
        (None, Some(_)) => return Err(usage("--budget-per-minute needs --redis")),
        (None, None) => {}
    }
    Ok(builder.build()?)
}
