//! 2FA request signing for the Verification Suite (`x-cf-signature`).
//!
//! The signature is `"{client_id}.{unix_seconds}"` encrypted with the
//! merchant's RSA public key (from the Cashfree dashboard) using OAEP with
//! SHA-1 and MGF1-SHA-1, then base64. Cashfree accepts a signature for a
//! few minutes, so a fresh one is made for every request, retries included.
//!
//! The encryption is aws-lc-rs's, the library reqwest's rustls already
//! builds on.

use crate::error::{BuildError, Error};
use aws_lc_rs::rsa::{OAEP_SHA1_MGF1SHA1, OaepPublicEncryptingKey, PublicEncryptingKey};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use std::fmt;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

/// Signs requests with the merchant's RSA public key.
#[derive(Clone)]
pub struct Signer {
    key: Arc<OaepPublicEncryptingKey>,
}

/// The DER body of a PEM block with one of `labels`. (rustls-pki-types
/// reads `PUBLIC KEY` but not PKCS#1's `RSA PUBLIC KEY`; the armour is a
/// header, base64 lines and a footer.)
fn pem_body(pem: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = pem.find(&begin)? + begin.len();
    let stop = start + pem[start..].find(&end)?;
    let text: String = pem[start..stop].split_whitespace().collect();
    BASE64.decode(text).ok()
}

/// A DER length.
fn der_length(len: usize, out: &mut Vec<u8>) {
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes: Vec<u8> = len
            .to_be_bytes()
            .into_iter()
            .skip_while(|b| *b == 0)
            .collect();
        out.push(0x80 | bytes.len() as u8);
        out.extend(bytes);
    }
}

/// A PKCS#1 `RSAPublicKey` as the `SubjectPublicKeyInfo` that carries it:
/// `SEQUENCE { AlgorithmIdentifier rsaEncryption NULL, BIT STRING key }`.
fn spki_of_pkcs1(pkcs1: &[u8]) -> Vec<u8> {
    const RSA_ALGORITHM: [u8; 15] = [
        0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00,
    ];
    let mut bit_string = vec![0x03];
    der_length(pkcs1.len() + 1, &mut bit_string);
    bit_string.push(0x00);
    bit_string.extend_from_slice(pkcs1);
    let mut spki = vec![0x30];
    der_length(RSA_ALGORITHM.len() + bit_string.len(), &mut spki);
    spki.extend_from_slice(&RSA_ALGORITHM);
    spki.extend(bit_string);
    spki
}

impl Signer {
    /// Reads a PEM public key, either `BEGIN PUBLIC KEY` (SPKI, as the
    /// dashboard issues it) or `BEGIN RSA PUBLIC KEY` (PKCS#1).
    pub fn from_pem(pem: &str) -> Result<Self, BuildError> {
        let invalid = |problem: String| BuildError::new("public_key", problem);
        let der = pem_body(pem, "PUBLIC KEY")
            .or_else(|| pem_body(pem, "RSA PUBLIC KEY").map(|pkcs1| spki_of_pkcs1(&pkcs1)))
            .ok_or_else(|| invalid("not an RSA public key in PEM form".into()))?;
        let key = PublicEncryptingKey::from_der(&der)
            .map_err(|e| invalid(format!("not an RSA public key in PEM form: {e}")))?;
        let key = OaepPublicEncryptingKey::new(key)
            .map_err(|_| invalid("this RSA key cannot encrypt with OAEP".into()))?;
        Ok(Self { key: Arc::new(key) })
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
        let mut ciphertext = vec![0u8; self.key.ciphertext_size()];
        let sealed = self
            .key
            .encrypt(
                &OAEP_SHA1_MGF1SHA1,
                message.as_bytes(),
                &mut ciphertext,
                None,
            )
            .map_err(|_| {
                Error::Signing(
                    "this key cannot encrypt the message (is the client id too long for it?)"
                        .into(),
                )
            })?;
        Ok(BASE64.encode(sealed))
    }
}

impl fmt::Debug for Signer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Signer { key: RSA public key }")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The same key in both PEM forms (the PKCS#1 one written with
    /// `openssl rsa -pubin -RSAPublicKey_out`) gives signatures of its size.
    #[test]
    fn reads_both_pem_forms() {
        let spki = include_str!("../../../tests/fixtures/2fa-test-public.pem");
        let signer = Signer::from_pem(spki).unwrap();
        let signature = BASE64
            .decode(signer.sign_at("cf_client", 1_700_000_000).unwrap())
            .unwrap();
        assert_eq!(signature.len(), 256);
        let der = pem_body(spki, "PUBLIC KEY").unwrap();
        // The SPKI of a 2048-bit key wraps its PKCS#1 form after 24 bytes of header.
        let pkcs1 = &der[24..];
        assert_eq!(
            spki_of_pkcs1(pkcs1),
            der,
            "the wrapping is the one DER writes"
        );
        let pem = format!(
            "-----BEGIN RSA PUBLIC KEY-----\n{}\n-----END RSA PUBLIC KEY-----\n",
            BASE64.encode(pkcs1)
        );
        assert!(Signer::from_pem(&pem).is_ok());
        assert!(
            Signer::from_pem("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----").is_err()
        );
        assert!(Signer::from_pem("not a key").is_err());
    }
}
