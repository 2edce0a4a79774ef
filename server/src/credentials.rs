//! Passwords and session tokens: what is hashed, how, and what is compared.

use std::sync::LazyLock;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

use crate::error::{AppError, Result};

/// argon2id with the crate's defaults (19 MiB, 2 passes): OWASP's recommended minimum.
pub fn hash_password(password: &str) -> Result<String> {
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>())
        .map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

/// Checks `password` against a stored hash, or against a throwaway hash when the user does not
/// exist, so that an unknown username costs the same time as a wrong password and the answer's
/// timing does not tell which usernames exist.
pub fn verify_password(password: &str, stored: Option<&str>) -> Result<bool> {
    static DUMMY: LazyLock<String> = LazyLock::new(|| {
        hash_password("huifang-no-such-user").expect("hashing a constant cannot fail")
    });
    let Some(stored) = stored else {
        let _ = matches(password, &DUMMY)?;
        return Ok(false);
    };
    matches(password, stored)
}

fn matches(password: &str, stored: &str) -> Result<bool> {
    let parsed = PasswordHash::new(stored)
        .map_err(|e| AppError::Internal(format!("stored password hash: {e}")))?;
    Ok(Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_ok())
}

/// A new session token (32 random bytes, hex) and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = token_hash(&token);
    (token, hash)
}

/// Tokens are stored only as their SHA-256: they are random and long, so a fast hash is
/// enough (unlike passwords) and keeps the per-request lookup cheap.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}
