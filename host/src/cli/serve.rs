//! `ward serve`: the risk server.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use ward_host::server::{self, FileConfig, ServeConfig};

use super::CliError;

/// Flags of `ward serve`; each also reads a `WARD_*` environment variable.
#[derive(Debug, Args)]
pub struct ServeArgs {
    /// Address to listen on [default: 127.0.0.1:8181].
    #[arg(long, env = "WARD_LISTEN")]
    listen: Option<SocketAddr>,
    /// Folder for the embedded store [default: ./ward-data].
    #[arg(long, env = "WARD_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// Use a Redis server for all state (shared by replicas), e.g. redis://127.0.0.1:6379.
    #[arg(long, env = "WARD_REDIS_URL")]
    redis_url: Option<String>,
    /// Start from this bundle instead of the embedded default.
    #[arg(long, env = "WARD_BUNDLE")]
    bundle: Option<PathBuf>,
    /// `component` (the default: scores through the Ward WebAssembly component) or `native`.
    #[arg(long, env = "WARD_RUNTIME")]
    runtime: Option<String>,
    /// Share of would-be-blocked payments to let through and flag (0 to 0.05).
    #[arg(long, env = "WARD_HOLDOUT_FRACTION")]
    holdout_fraction: Option<f64>,
    /// POST events to this URL, signed like Stripe's webhooks.
    #[arg(long, env = "WARD_WEBHOOK_URL")]
    webhook_url: Option<String>,
    /// Secret for webhook signatures.
    #[arg(long, env = "WARD_WEBHOOK_SECRET", hide_env_values = true)]
    webhook_secret: Option<String>,
    /// Use this API key for the default account instead of a generated one.
    #[arg(long, env = "WARD_API_KEY", hide_env_values = true)]
    api_key: Option<String>,
    /// `text` or `json` logs on stderr.
    #[arg(long, env = "WARD_LOG_FORMAT")]
    log_format: Option<String>,
    /// `fsync` (default: a write is acknowledged once on disk) or `os` (once the operating system
    /// has it: survives a crash of Ward, not a power cut; much lower latency on slow disks).
    #[arg(long, env = "WARD_DURABILITY")]
    durability: Option<String>,
    /// Seconds an `Idempotency-Key`'s answer is replayed before the key may be used for a new
    /// request [default: 86400, as in Stripe].
    #[arg(long, env = "WARD_IDEMPOTENCY_TTL", value_name = "SECONDS")]
    idempotency_ttl: Option<u64>,
    /// Another account and its API key, as `acct_id=sk_…` (repeatable); each account sees only
    /// its own objects.
    #[arg(long = "account", value_name = "ACCOUNT=KEY")]
    accounts: Vec<String>,
    /// A TOML file with any of the settings above (flags and environment win).
    #[arg(long, env = "WARD_CONFIG")]
    config: Option<PathBuf>,
}

impl ServeArgs {
    fn overrides(&self) -> Result<FileConfig, CliError> {
        let mut accounts = std::collections::BTreeMap::new();
        for a in &self.accounts {
            let (account, key) = a.split_once('=').ok_or_else(|| {
                CliError::Serve(format!("--account takes ACCOUNT=KEY (acct_shop=sk_test_…), not {a}"))
            })?;
            accounts.insert(account.to_owned(), key.to_owned());
        }
        Ok(FileConfig {
            listen: self.listen,
            data_dir: self.data_dir.clone(),
            redis_url: self.redis_url.clone(),
            bundle: self.bundle.clone(),
            runtime: self.runtime.clone(),
            holdout_fraction: self.holdout_fraction,
            webhook_url: self.webhook_url.clone(),
            webhook_secret: self.webhook_secret.clone(),
            api_key: self.api_key.clone(),
            log_format: self.log_format.clone(),
            durability: self.durability.clone(),
            idempotency_ttl: self.idempotency_ttl,
            accounts,
        })
    }
}

/// Runs the server until SIGTERM or Ctrl-C.
pub fn run(args: ServeArgs) -> Result<ExitCode, CliError> {
    let file = match &args.config {
        Some(p) => FileConfig::read(p).map_err(|e| CliError::Serve(e.to_string()))?,
        None => FileConfig::default(),
    };
    let config = ServeConfig::resolve(args.overrides()?, file).map_err(|e| CliError::Serve(e.to_string()))?;
    init_logs(&config.log_format);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| CliError::Serve(format!("cannot start the async runtime: {e}")))?;
    runtime.block_on(async move {
        let started = server::start(config).await.map_err(|e| CliError::Serve(e.to_string()))?;
        let addr = started.listener.local_addr().map_err(|e| CliError::Serve(e.to_string()))?;
        let app = started.app.clone();
        eprintln!("Ward is listening on http://{addr}");
        eprintln!("  store:   {}", describe_store(&app.config));
        eprintln!("  scoring: {} runtime", app.config.runtime);
        eprintln!("  API key: {}", started.api_key);
        eprintln!(
            "Try: curl http://{addr}/v1/charges -u {}: -d amount=2000 -d currency=usd -d source=tok_visa",
            started.api_key
        );
        server::serve(started.app, started.listener).await.map_err(|e| CliError::Serve(e.to_string()))?;
        eprintln!("Ward stopped cleanly.");
        Ok(ExitCode::SUCCESS)
    })
}

fn describe_store(config: &ServeConfig) -> String {
    match &config.store {
        server::StoreConfig::Sqlite(p) => format!("embedded SQLite at {}", p.display()),
        server::StoreConfig::Redis(url) => format!("Redis at {url}"),
    }
}

fn init_logs(format: &str) {
    let filter = tracing_subscriber::EnvFilter::try_from_env("WARD_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if format == "json" {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}
