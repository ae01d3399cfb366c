//! Starting the server: open the store, make sure the default account has an API key, build
//! the scoring backend, bind the listener.

use std::sync::Arc;

use serde_json::json;

use super::App;
use super::api::ids;
use super::config::{ServeConfig, StoreConfig};
use super::engines::{Backend, Engines};
use crate::runtime::{RuntimeConfig, WasmRuntime, component_path, default_cache_dir};
use crate::store::{Doc, Kind, RedisOptions, RedisStore, SqliteOptions, SqliteStore, Store, WriteBatch};

/// The account `ward serve` creates on first start.
pub const DEFAULT_ACCOUNT: &str = "acct_default";

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The store could not be opened.
    #[error("cannot open the store ({what}): {message}")]
    Store {
        /// Which store.
        what: String,
        /// Why.
        message: String,
    },
    /// The scoring engine could not be built.
    #[error("cannot start the scoring engine: {0}")]
    Engine(String),
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {message}")]
    Listen {
        /// The address.
        addr: String,
        /// Why.
        message: String,
    },
}

/// A server ready to run.
pub struct Started {
    /// The state.
    pub app: Arc<App>,
    /// The bound listener.
    pub listener: tokio::net::TcpListener,
    /// The default account's API key.
    pub api_key: String,
}

/// Opens everything `config` names. Must run inside the Tokio runtime.
pub async fn start(config: ServeConfig) -> Result<Started, StartError> {
    no_transparent_huge_pages();
    let store: Arc<dyn Store> = match &config.store {
        StoreConfig::Sqlite(path) => Arc::new(
            SqliteStore::open(SqliteOptions {
                fsync: config.durability == "fsync",
                idempotency_ttl: config.idempotency_ttl,
                ..SqliteOptions::new(path)
            })
            .map_err(|e| StartError::Store { what: path.display().to_string(), message: e.to_string() })?,
        ),
        StoreConfig::Redis(url) => Arc::new(
            RedisStore::open(RedisOptions { idempotency_ttl: config.idempotency_ttl, ..RedisOptions::new(url) })
                .await
                .map_err(|e| StartError::Store { what: url.clone(), message: e.to_string() })?,
        ),
    };
    let bundle = match &config.bundle {
        Some(p) => std::fs::read(p).map_err(|e| StartError::Engine(format!("{}: {e}", p.display())))?,
        None => ward_core::DEFAULT_BUNDLE.to_vec(),
    };
    let backend = if config.runtime == "native" {
        Backend::Native
    } else {
        let path = component_path(None).map_err(|e| StartError::Engine(e.to_string()))?;
        let wasm = std::fs::read(&path).map_err(|e| StartError::Engine(format!("{}: {e}", path.display())))?;
        let runtime = WasmRuntime::new(RuntimeConfig { cache_dir: default_cache_dir(), ..RuntimeConfig::default() })
            .map_err(|e| StartError::Engine(e.to_string()))?;
        Backend::Component { runtime, wasm: Arc::new(wasm) }
    };
    let engines = Engines::new(backend, &bundle).map_err(StartError::Engine)?;
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .map_err(|e| StartError::Listen { addr: config.listen.to_string(), message: e.to_string() })?;
    let api_key = default_key(store.as_ref(), config.api_key.as_deref())
        .await
        .map_err(|e| StartError::Store { what: store.name().into(), message: e.to_string() })?;
    for (account, key) in &config.accounts {
        store
            .put_api_key(key, account)
            .await
            .map_err(|e| StartError::Store { what: store.name().into(), message: e.to_string() })?;
    }
    let app = App::new(store, engines, config);
    super::resources::ensure_defaults(&app, DEFAULT_ACCOUNT)
        .await
        .map_err(|e| StartError::Engine(e.error.message.clone()))?;
    app.engines
        .get(app.store.as_ref(), DEFAULT_ACCOUNT)
        .await
        .map_err(|e| StartError::Engine(e.error.message.clone()))?;
    Ok(Started { app, listener, api_key })
}

/// The default account's key: the configured one, else the one made on first start.
async fn default_key(store: &dyn Store, configured: Option<&str>) -> Result<String, crate::store::StoreError> {
    if let Some(k) = configured {
        store.put_api_key(k, DEFAULT_ACCOUNT).await?;
        return Ok(k.to_owned());
    }
    if let Some(d) = store.get(DEFAULT_ACCOUNT, Kind::Settings, "default_key").await?
        && let Ok(v) = serde_json::from_str::<serde_json::Value>(&d.body)
        && let Some(k) = v["api_key"].as_str()
    {
        return Ok(k.to_owned());
    }
    let key = format!("sk_test_{}", ids::random_base62(24));
    let doc = Doc {
        kind: Kind::Settings,
        id: "default_key".into(),
        created: ids::now(),
        tag: None,
        body: json!({"api_key": key}).to_string(),
    };
    store
        .commit(DEFAULT_ACCOUNT, WriteBatch { docs: vec![doc], api_keys: vec![key.clone()], ..WriteBatch::default() })
        .await?;
    Ok(key)
}

/// Turns transparent huge pages off for this process. Where the kernel gives them to every
/// anonymous mapping (`always`), the allocator's fresh memory is faulted in 2 MiB at a time,
/// each fault zeroing (and at times compacting) a whole huge page: under load that was 6% of the
/// server's CPU and most of its p99 (docs/server.md, "Speed").
fn no_transparent_huge_pages() {
    #[cfg(target_os = "linux")]
    {
        // SAFETY: PR_SET_THP_DISABLE takes plain integers and touches no memory of ours.
        let done = unsafe { libc::prctl(libc::PR_SET_THP_DISABLE, 1, 0, 0, 0) };
        if done != 0 {
            tracing::debug!(error = %std::io::Error::last_os_error(), "transparent huge pages stay on");
        }
    }
}
