//! `ward serve`: the stateful risk server. It owns the state (through a [`Store`]), computes
//! velocity, scores through the Ward component, and speaks Stripe's API shapes.

pub mod api;
mod config;
mod context;
mod engines;
mod events;
mod list_items;
pub mod locks;
mod metrics;
mod openapi;
mod resources;
mod scoring;
mod startup;
mod webhooks;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::extract::DefaultBodyLimit;

pub use config::{ConfigError, FileConfig, ServeConfig, StoreConfig};
pub use engines::{Backend, Engines};
pub use events::event_json;
pub use startup::{DEFAULT_ACCOUNT, StartError, Started, start};

use crate::store::{Store, StoreError, WriteBatch};

/// Everything a request handler needs.
pub struct App {
    /// The state.
    pub store: Arc<dyn Store>,
    /// Per-account scorers.
    pub engines: Engines,
    /// The configuration the server started with.
    pub config: ServeConfig,
    /// Request and decision metrics.
    pub metrics: metrics::Metrics,
    /// Webhook delivery.
    pub webhooks: webhooks::Webhooks,
    /// Locks of the objects read-modify-write requests are changing.
    pub locks: locks::Locks,
    /// Idempotency keys being processed on this server (see [`api::idempotency`]).
    inflight: Mutex<HashSet<(String, String)>>,
}

impl App {
    /// Builds the application state.
    pub fn new(store: Arc<dyn Store>, engines: Engines, config: ServeConfig) -> Arc<App> {
        let webhooks = webhooks::Webhooks::new(config.webhook_url.clone(), config.webhook_secret.clone());
        webhooks.start(store.clone());
        Arc::new(App {
            store,
            engines,
            config,
            metrics: metrics::Metrics::default(),
            webhooks,
            locks: locks::Locks::default(),
            inflight: Mutex::new(HashSet::new()),
        })
    }

    /// Waits for the lock of object `id` (or a name such as [`locks::LISTS`]) in `account`,
    /// held until the guard drops: see [`locks`].
    pub async fn lock(&self, account: &str, id: &str) -> Result<locks::Guard<'_>, api::ApiError> {
        self.locks.lock(&self.store, account, id).await
    }

    /// Commits a batch of `account` under the shared-store locks the current request holds:
    /// should one have passed to another server meanwhile, nothing is written.
    pub async fn commit(&self, account: &str, mut batch: WriteBatch) -> Result<(), StoreError> {
        batch.fences = locks::fences(account);
        self.engines.items().commit(account, batch, async |b| self.store.commit(account, b).await).await
    }
}

/// The HTTP routes.
pub fn router(app: Arc<App>) -> Router {
    resources::routes()
        .merge(openapi::routes())
        .merge(metrics::routes())
        .layer(axum::middleware::from_fn(locks::scope))
        .layer(axum::middleware::from_fn_with_state(app.clone(), metrics::track))
        .layer(DefaultBodyLimit::max(api::MAX_BODY))
        .fallback(resources::not_found)
        .method_not_allowed_fallback(resources::method_not_allowed)
        .with_state(app)
}

/// How long shutdown waits for webhook events still being delivered.
const WEBHOOK_GRACE: std::time::Duration = std::time::Duration::from_secs(5);

/// Serves until SIGTERM or Ctrl-C: then stops accepting, finishes in-flight requests, gives
/// webhook deliveries under way a few seconds, closes the store (flushing it) and returns.
pub async fn serve(app: Arc<App>, listener: tokio::net::TcpListener) -> std::io::Result<()> {
    let store = app.store.clone();
    let service = router(app.clone()).into_make_service_with_connect_info::<SocketAddr>();
    axum::serve(listener, service).with_graceful_shutdown(shutdown_signal()).await?;
    app.webhooks.drain(WEBHOOK_GRACE).await;
    if let Err(e) = store.close().await {
        tracing::error!(error = %e, "closing the store failed");
    }
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
