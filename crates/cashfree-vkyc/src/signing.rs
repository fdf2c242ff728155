//! 2FA request signing for the Verification Suite (`x-cf-signature`).
//!
//! The signature is `"{client_id}.{unix_seconds}"` encrypted with the
//! merchant's RSA public key (from the Cashfree dashboard) using OAEP with
//! SHA-1 and MGF1-SHA-1, then base64. Cashfree accepts a signature for a
//! few minutes, so a fresh one is made for every request, retries included.

use crate::error::Error;
use base64::Engine;
use rsa::pkcs1::DecodeRsaPublicKey;
use rsa::pkcs8::DecodePublicKey;
use rsa::{Oaep, RsaPublicKey};
use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// Signs requests with the merchant's RSA public key.
#[derive(Clone)]
pub struct Signer {
    key: RsaPublicKey,
}

impl Signer {
    /// Reads a PEM public key, either `BEGIN PUBLIC KEY` (SPKI, as the
    /// dashboard issues it) or `BEGIN RSA PUBLIC KEY` (PKCS#1).
    pub fn from_pem(pem: &str) -> Result<Self, Error> {
        let key = RsaPublicKey::from_public_key_pem(pem.trim())
            .or_else(|_| RsaPublicKey::from_pkcs1_pem(pem.trim()))
            .map_err(|e| Error::Config(format!("not an RSA public key in PEM form: {e}")))?;
        Ok(Self { key })
    }

    /// The signature for `client_id` at the current time.
    pub fn sign(&self, client_id: &str) -> Result<String, Error> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        self.sign_at(client_id, now)
    }

    /// The signature for `client_id` at `unix_seconds`.
    pub fn sign_at(&self, client_id: &str, unix_seconds: u64) -> Result<String, Error> {
        let message = format!("{client_id}.{unix_seconds}");
        let mut rng = rand_core::OsRng;
        let ciphertext = self
            .key
            .encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), message.as_bytes())
            .map_err(|e| Error::Config(format!("cannot sign with this key: {e}")))?;
        Ok(base64::engine::general_purpose::STANDARD.encode(ciphertext))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { key: RSA public key }")
    }
}
