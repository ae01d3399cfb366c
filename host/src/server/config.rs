//! The server's configuration: flags, then environment (`WARD_*`), then a TOML file, then
//! defaults. `docs/server.md` lists every setting.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;

use serde::Deserialize;

/// Longest idempotency TTL accepted: records are kept that long, one per idempotent request.
const MAX_IDEMPOTENCY_TTL: std::time::Duration = std::time::Duration::from_secs(30 * 24 * 60 * 60);

/// Where state lives.
#[derive(Clone, Debug, PartialEq)]
pub enum StoreConfig {
    /// The embedded SQLite file.
    Sqlite(PathBuf),
    /// A Redis server shared by replicas (`redis://127.0.0.1:6379`).
    Redis(String),
}

/// Everything `ward serve` can be told.
#[derive(Clone, Debug)]
pub struct ServeConfig {
    /// Address to listen on.
    pub listen: SocketAddr,
    /// Folder for the embedded store and the compiled-component cache.
    pub data_dir: PathBuf,
    /// The store.
    pub store: StoreConfig,
    /// A bundle to start from instead of the embedded default.
    pub bundle: Option<PathBuf>,
    /// `component` (default) or `native`.
    pub runtime: String,
    /// Share of would-be-blocked payments let through and flagged, 0–0.05.
    pub holdout_fraction: f64,
    /// Where events are POSTed, if anywhere.
    pub webhook_url: Option<String>,
    /// The secret webhook signatures are made with (`whsec_…`).
    pub webhook_secret: Option<String>,
    /// A fixed API key for the default account (else one is made and printed on first start).
    pub api_key: Option<String>,
    /// `text` or `json` logs.
    pub log_format: String,
    /// `fsync` (a write is acknowledged once on disk) or `os` (once handed to the operating
    /// system: survives a crash of Ward, not of the machine).
    pub durability: String,
    /// More accounts and their API keys (`acct_… → sk_…`); each sees only its own objects.
    pub accounts: BTreeMap<String, String>,
    /// How long an idempotency key's answer is replayed (24 hours, as in Stripe); after that
    /// the key starts a new request.
    pub idempotency_ttl: std::time::Duration,
}

impl Default for ServeConfig {
    fn default() -> Self {
        ServeConfig {
            listen: SocketAddr::from(([127, 0, 0, 1], 8181)),
            data_dir: PathBuf::from("ward-data"),
            store: StoreConfig::Sqlite(PathBuf::from("ward-data").join("ward.db")),
            bundle: None,
            runtime: "component".into(),
            holdout_fraction: 0.0,
            webhook_url: None,
            webhook_secret: None,
            api_key: None,
            log_format: "text".into(),
            durability: "fsync".into(),
            accounts: BTreeMap::new(),
            idempotency_ttl: crate::store::IDEMPOTENCY_TTL,
        }
    }
}

/// The TOML file's shape: every key optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    /// `listen = "127.0.0.1:8181"`.
    pub listen: Option<SocketAddr>,
    /// `data_dir = "ward-data"`.
    pub data_dir: Option<PathBuf>,
    /// `redis_url = "redis://…"` selects the Redis store.
    pub redis_url: Option<String>,
    /// `bundle = "my.bundle"`.
    pub bundle: Option<PathBuf>,
    /// `runtime = "component"`.
    pub runtime: Option<String>,
    /// `holdout_fraction = 0.01`.
    pub holdout_fraction: Option<f64>,
    /// `webhook_url = "http://…"`.
    pub webhook_url: Option<String>,
    /// `webhook_secret = "whsec_…"`.
    pub webhook_secret: Option<String>,
    /// `api_key = "sk_test_…"`.
    pub api_key: Option<String>,
    /// `log_format = "json"`.
    pub log_format: Option<String>,
    /// `durability = "os"`.
    pub durability: Option<String>,
    /// `idempotency_ttl = 86400` (seconds).
    pub idempotency_ttl: Option<u64>,
    /// `[accounts]` table: `acct_shop = "sk_test_…"`.
    #[serde(default)]
    pub accounts: BTreeMap<String, String>,
}

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the config file {path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// A value is out of range or unknown.
    #[error("{0}")]
    Invalid(String),
}

impl FileConfig {
    /// Reads a TOML config file.
    pub fn read(path: &std::path::Path) -> Result<FileConfig, ConfigError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| ConfigError::Read { path: path.to_owned(), message: e.to_string() })?;
        toml::from_str(&text).map_err(|e| ConfigError::Read { path: path.to_owned(), message: e.to_string() })
    }
}

impl ServeConfig {
    /// Overlays `over` (flags and environment, already merged by the CLI) on `file` on the
    /// defaults, and checks the result.
    pub fn resolve(over: FileConfig, file: FileConfig) -> Result<ServeConfig, ConfigError> {
        let d = ServeConfig::default();
        let data_dir = over.data_dir.or(file.data_dir).unwrap_or(d.data_dir);
        let store = match over.redis_url.or(file.redis_url) {
            Some(url) => StoreConfig::Redis(url),
            None => StoreConfig::Sqlite(data_dir.join("ward.db")),
        };
        let config = ServeConfig {
            listen: over.listen.or(file.listen).unwrap_or(d.listen),
            store,
            bundle: over.bundle.or(file.bundle),
            runtime: over.runtime.or(file.runtime).unwrap_or(d.runtime),
            holdout_fraction: over.holdout_fraction.or(file.holdout_fraction).unwrap_or(0.0),
            webhook_url: over.webhook_url.or(file.webhook_url),
            webhook_secret: over.webhook_secret.or(file.webhook_secret),
            api_key: over.api_key.or(file.api_key),
            log_format: over.log_format.or(file.log_format).unwrap_or(d.log_format),
            durability: over.durability.or(file.durability).unwrap_or(d.durability),
            accounts: file.accounts.into_iter().chain(over.accounts).collect(),
            idempotency_ttl: over
                .idempotency_ttl
                .or(file.idempotency_ttl)
                .map_or(d.idempotency_ttl, std::time::Duration::from_secs),
            data_dir,
        };
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), ConfigError> {
        if !(0.0..=0.05).contains(&self.holdout_fraction) {
            return Err(ConfigError::Invalid(format!(
                "holdout_fraction must be between 0 and 0.05 (a holdout lets would-be-blocked payments through), not {}",
                self.holdout_fraction
            )));
        }
        if let Some(url) = &self.webhook_url
            && reqwest::Url::parse(url).map_or(true, |u| !matches!(u.scheme(), "http" | "https") || !u.has_host())
        {
            return Err(ConfigError::Invalid(format!(
                "webhook_url must be an http:// or https:// URL, such as https://example.com/ward-events, not {url}"
            )));
        }
        if !["component", "native"].contains(&self.runtime.as_str()) {
            return Err(ConfigError::Invalid(format!("runtime must be component or native, not {}", self.runtime)));
        }
        if !["text", "json"].contains(&self.log_format.as_str()) {
            return Err(ConfigError::Invalid(format!("log_format must be text or json, not {}", self.log_format)));
        }
        if !["fsync", "os"].contains(&self.durability.as_str()) {
            return Err(ConfigError::Invalid(format!("durability must be fsync or os, not {}", self.durability)));
        }
        if self.idempotency_ttl.is_zero() || self.idempotency_ttl > MAX_IDEMPOTENCY_TTL {
            return Err(ConfigError::Invalid(format!(
                "idempotency_ttl must be between 1 and {} seconds (30 days), not {}",
                MAX_IDEMPOTENCY_TTL.as_secs(),
                self.idempotency_ttl.as_secs()
            )));
        }
        if let Some(k) = &self.api_key
            && !k.starts_with("sk_")
        {
            return Err(ConfigError::Invalid("api_key must start with sk_".into()));
        }
        for (account, key) in &self.accounts {
            if !account.starts_with("acct_") || account.len() > 64 {
                return Err(ConfigError::Invalid(format!("account ids look like acct_…, not {account}")));
            }
            if !key.starts_with("sk_") || key.len() < 16 {
                return Err(ConfigError::Invalid(format!(
                    "the key of {account} must start with sk_ and be 16+ characters"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_win_over_the_file_and_the_file_over_defaults() {
        let file = FileConfig { holdout_fraction: Some(0.01), runtime: Some("native".into()), ..Default::default() };
        let over = FileConfig { runtime: Some("component".into()), ..Default::default() };
        let c = ServeConfig::resolve(over, file).expect("valid");
        assert_eq!(c.runtime, "component");
        assert_eq!(c.holdout_fraction, 0.01);
        assert_eq!(c.store, StoreConfig::Sqlite(PathBuf::from("ward-data/ward.db")));
    }

    #[test]
    fn out_of_range_values_are_refused() {
        let bad = FileConfig { holdout_fraction: Some(0.5), ..Default::default() };
        assert!(ServeConfig::resolve(bad, FileConfig::default()).is_err());
        assert!(toml::from_str::<FileConfig>("listn = \"x\"").is_err(), "unknown keys are refused");
        for ttl in [0, 31 * 24 * 60 * 60] {
            let bad = FileConfig { idempotency_ttl: Some(ttl), ..Default::default() };
            assert!(ServeConfig::resolve(bad, FileConfig::default()).is_err(), "idempotency_ttl {ttl}");
        }
        let day = FileConfig { idempotency_ttl: Some(86_400), ..Default::default() };
        let c = ServeConfig::resolve(FileConfig::default(), day).expect("a day is valid");
        assert_eq!(c.idempotency_ttl, std::time::Duration::from_secs(86_400));
        for url in ["not a url", "ftp://example.com/x", "http://"] {
            let bad = FileConfig { webhook_url: Some(url.into()), ..Default::default() };
            assert!(ServeConfig::resolve(bad, FileConfig::default()).is_err(), "webhook_url {url}");
        }
        let good = FileConfig { webhook_url: Some("https://example.com/hook".into()), ..Default::default() };
        assert!(ServeConfig::resolve(good, FileConfig::default()).is_ok());
    }
}
