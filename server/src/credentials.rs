//! Passwords and session tokens: what is hashed, how, and what is compared.
//!
//! Password hashing runs in a fixed set of working memories ([`Passwords`]), one per core:
//! argon2id needs 19 MiB per hash, and freeing that after every login lets glibc keep the
//! freed regions (its mmap threshold rises to the largest chunk freed, so the next 19 MiB come
//! from arenas it never gives back): 500 logins left the server at 915 MiB. Reused buffers cap
//! it at cores × 19 MiB, whatever the login rate.

use std::sync::{Arc, Mutex, OnceLock};

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Algorithm, Argon2, Block, Params, Version};
use sha2::{Digest, Sha256};
use tokio::sync::Semaphore;

use crate::error::{AppError, Result};

/// The parameters new hashes get: argon2id with the crate's defaults (19 MiB, 2 passes),
/// OWASP's recommended minimum. Stored hashes are checked with the parameters they name.
fn new_hash_params() -> Params {
    Params::default()
}

/// Password hashing with bounded concurrency and reused working memory: at most one hash per
/// core runs at a time, each in a memory lent from a pool that keeps what it lent. A login
/// waiting for a memory waits asynchronously, holding no thread.
#[derive(Clone)]
pub struct Passwords {
    permits: Arc<Semaphore>,
    memories: Arc<Mutex<Vec<Vec<Block>>>>,
}

impl Passwords {
    pub fn new(parallel: usize) -> Passwords {
        Passwords {
            permits: Arc::new(Semaphore::new(parallel.max(1))),
            memories: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// The argon2id hash of a new password, in PHC string form.
    pub async fn hash(&self, password: String) -> Result<String> {
        self.run(move |memory| hash_with(&password, memory)).await
    }

    /// Checks `password` against a stored hash, or against a throwaway hash when the user
    /// does not exist, so that an unknown username costs the same time as a wrong password
    /// and the answer's timing does not tell which usernames exist.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool> {
        self.run(move |memory| match stored {
            Some(stored) => matches(&password, &stored, memory),
            None => {
                let _ = matches(&password, dummy(memory), memory)?;
                Ok(false)
            }
        })
        .await
    }

    async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&mut Vec<Block>) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| AppError::Internal(format!("password check queue: {e}")))?;
        let memories = Arc::clone(&self.memories);
        tokio::task::spawn_blocking(move || {
            // Never more memories than permits: each holder of a permit takes one at most.
            let mut memory = lock(&memories).pop().unwrap_or_default();
            let out = f(&mut memory);
            lock(&memories).push(memory);
            out
        })
        .await
        .map_err(|e| AppError::Internal(format!("password check failed: {e}")))?
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A hash no password is ever checked against for real (see [`Passwords::verify`]), made
/// the first time it is needed, in the memory of the check that needs it.
fn dummy(memory: &mut Vec<Block>) -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_with("huifang-no-such-user", memory).expect("hashing a constant"))
}

/// Hashes with `memory` as argon2's working memory, grown to what the parameters need.
fn argon2_into(
    argon: &Argon2,
    params: &Params,
    password: &str,
    salt: &[u8],
    out: &mut [u8],
    memory: &mut Vec<Block>,
) -> Result<()> {
    if memory.len() < params.block_count() {
        memory.resize(params.block_count(), Block::default());
    }
    argon
        .hash_password_into_with_memory(password.as_bytes(), salt, out, &mut memory[..])
        .map_err(|e| AppError::Internal(format!("hashing a password: {e}")))
}

fn internal(what: &str) -> impl Fn(argon2::password_hash::Error) -> AppError + '_ {
    move |e| AppError::Internal(format!("{what}: {e}"))
}

/// One hash outside the pool, for a one-off command (the generator hashes once for all its
/// logins) that has no `Passwords` and no runtime.
pub fn hash_once(password: &str) -> Result<String> {
    hash_with(password, &mut Vec::new())
}

fn hash_with(password: &str, memory: &mut Vec<Block>) -> Result<String> {
    let params = new_hash_params();
    let salt = SaltString::encode_b64(&rand::random::<[u8; 16]>()).map_err(internal("salt"))?;
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt
        .as_salt()
        .decode_b64(&mut salt_bytes)
        .map_err(internal("salt"))?;
    let mut out = [0u8; Params::DEFAULT_OUTPUT_LEN];
    let argon = Argon2::new(Algorithm::Argon2id, Version::V0x13, params.clone());
    argon2_into(&argon, &params, password, salt_raw, &mut out, memory)?;
    let hash = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(internal("hash parameters"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(internal("hash output"))?),
    };
    Ok(hash.to_string())
}

/// What `argon2`'s own `verify_password` does (the stored algorithm, version, parameters and
/// salt; the hash compared in constant time by `Output`'s `==`), in caller-lent memory.
fn matches(password: &str, stored: &str, memory: &mut Vec<Block>) -> Result<bool> {
    let bad = internal("stored password hash");
    let parsed = PasswordHash::new(stored).map_err(&bad)?;
    let algorithm = Algorithm::try_from(parsed.algorithm).map_err(&bad)?;
    let version = parsed
        .version
        .map(Version::try_from)
        .transpose()
        .map_err(|e| AppError::Internal(format!("stored password hash: {e}")))?
        .unwrap_or_default();
    let params = Params::try_from(&parsed).map_err(&bad)?;
    let (Some(salt), Some(expected)) = (parsed.salt, parsed.hash) else {
        return Err(AppError::Internal(
            "stored password hash without salt or hash".into(),
        ));
    };
    let mut salt_bytes = [0u8; 64];
    let salt_raw = salt.decode_b64(&mut salt_bytes).map_err(&bad)?;
    let mut out = vec![0u8; expected.len()];
    let argon = Argon2::new(algorithm, version, params.clone());
    argon2_into(&argon, &params, password, salt_raw, &mut out, memory)?;
    Ok(Output::new(&out).map_err(&bad)? == expected)
}

/// A new session token (32 random bytes, hex) and the hash under which it is stored.
pub fn new_token() -> (String, String) {
    let token = hex::encode(rand::random::<[u8; 32]>());
    let hash = token_hash(&token);
    (token, hash)
}

/// Letters and digits a person reads off a screen and types on a tablet without mistaking
/// one for another (no 0/o, 1/l/i).
const ONE_TIME_ALPHABET: &[u8] = b"23456789abcdefghjkmnpqrstuvwxyz";

/// A one-time password an admin hands over: three groups of four (`k7qm-2xfp-9tdw`), about
/// 59 bits, enough for a password that lives until its first login.
pub fn one_time_password() -> String {
    let groups: Vec<String> = (0..3)
        .map(|_| {
            (0..4)
                .map(|_| {
                    let i = rand::random_range(0..ONE_TIME_ALPHABET.len());
                    char::from(ONE_TIME_ALPHABET[i])
                })
                .collect()
        })
        .collect();
    groups.join("-")
}

/// Tokens are stored only as their SHA-256: they are random and long, so a fast hash is
/// enough (unlike passwords) and keeps the per-request lookup cheap.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[cfg(test)]
mod tests {
    use argon2::PasswordVerifier;
    use argon2::password_hash::PasswordHasher;

    use super::*;

    #[test]
    fn one_time_passwords_meet_the_password_rule_and_differ() {
        let a = one_time_password();
        assert_eq!(a.len(), 14, "{a}");
        assert!(
            a.chars()
                .all(|c| c == '-' || ONE_TIME_ALPHABET.contains(&(c as u8)))
        );
        assert_eq!(
            huifang_domain::people::password_problem("zhao", &a, None),
            None
        );
        assert_ne!(a, one_time_password());
    }

    #[test]
    fn hashes_agree_with_the_argon2_crate_both_ways() {
        let mut memory = Vec::new();
        let ours = hash_with("右边的密码", &mut memory).unwrap();
        let parsed = PasswordHash::new(&ours).unwrap();
        assert!(
            Argon2::default()
                .verify_password("右边的密码".as_bytes(), &parsed)
                .is_ok()
        );
        let (params, default) = (Params::try_from(&parsed).unwrap(), Params::default());
        assert_eq!(
            (params.m_cost(), params.t_cost(), params.p_cost()),
            (default.m_cost(), default.t_cost(), default.p_cost())
        );

        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let theirs = Argon2::default()
            .hash_password(b"s3cret", &salt)
            .unwrap()
            .to_string();
        assert!(matches("s3cret", &theirs, &mut memory).unwrap());
        assert!(!matches("s3creT", &theirs, &mut memory).unwrap());
        assert!(!matches("s3cret", &ours, &mut memory).unwrap());
    }

    #[test]
    fn a_memory_is_reused_not_regrown() {
        let mut memory = Vec::new();
        hash_with("one", &mut memory).unwrap();
        let (len, at) = (memory.len(), memory.as_ptr());
        assert_eq!(len, Params::default().block_count());
        matches("two", dummy(&mut Vec::new()), &mut memory).unwrap();
        assert_eq!((memory.len(), memory.as_ptr()), (len, at));
    }
}
