//! One scorer per account: the base bundle's model and built-in rules, plus the account's own
//! rules and value lists. Publishing rebuilds the account's bundle and swaps it in atomically.
//!
//! Rules and lists publish at once. List items publish lazily: the account's bundle is rebuilt
//! by the next payment (so a payment always sees every item added before it) or once changes
//! pause for [`QUIET`], whichever comes first (publishing per item made an import of `n` items
//! cost `n²`). A rebuild takes each list's items from memory when they are current
//! ([`ItemCache`]). Every change is counted in the store ([`CONFIG_KEY`]), so servers sharing a
//! store (Redis) pick up each other's changes too.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use serde_json::Value;
use ward_core::bundle::BundleSpec;
use ward_core::lists::defaults::with_defaults;
use ward_core::lists::{ItemType, ValueList};

use super::App;
use super::api::ApiError;
use super::list_items::ItemCache;
use crate::runtime::{ComponentScorer, NativeScorer, Scorer, WasmRuntime};
use crate::store::{Doc, FieldMap, FieldOp, Kind, ListQuery, Store, WriteBatch};

/// How payments are scored.
#[derive(Clone)]
pub enum Backend {
    /// The Ward component under wasmtime (the server's default and production path).
    Component {
        /// The shared engine.
        runtime: Arc<WasmRuntime>,
        /// The component's bytes.
        wasm: Arc<Vec<u8>>,
    },
    /// Ward's core linked natively (for comparison).
    Native,
}

/// An account's scorer and what it was built from.
pub struct AccountEngine {
    /// The scorer; swapped in place on publish.
    pub scorer: Arc<dyn Scorer>,
    /// Serialises publications, so a later one never loses to an earlier one.
    pub publishing: tokio::sync::Mutex<()>,
    /// The context attributes the current bundle reads, and how to compute them.
    pub wanted: RwLock<Arc<crate::velocity::Plan>>,
    /// The account's change count ([`CONFIG_KEY`]) the scorer was built at.
    published: AtomicU64,
    /// List-item changes made through this server, and whether a publication waits for them
    /// to pause.
    local_changes: AtomicU64,
    scheduled: AtomicBool,
}

/// How long list-item changes must pause before they are published without a payment asking.
pub const QUIET: Duration = Duration::from_millis(200);

/// Every account's engine.
pub struct Engines {
    backend: Backend,
    base: BundleSpec,
    by_account: RwLock<HashMap<String, Arc<AccountEngine>>>,
    items: ItemCache,
}

/// The entity that counts an account's rules and lists changes. Every change commits an
/// increment with itself, so any server sharing the store can tell, from the same read that
/// fetches a payment's velocity, that its engine is behind.
pub const CONFIG_KEY: &str = "config:account";
const CHANGES: &str = "changes";

/// Counts a rules or lists change, committed with `batch`.
pub fn count_change(batch: &mut WriteBatch) {
    config_ops(batch).push(FieldOp::Incr(CHANGES.to_owned(), 1));
}

/// The operations `batch` applies to the account's [`CONFIG_KEY`] entity (one entry, added if
/// there is none yet).
pub fn config_ops(batch: &mut WriteBatch) -> &mut Vec<FieldOp> {
    let at = match batch.entities.iter().position(|(key, _)| key == CONFIG_KEY) {
        Some(at) => at,
        None => {
            batch.entities.push((CONFIG_KEY.to_owned(), Vec::new()));
            batch.entities.len() - 1
        }
    };
    &mut batch.entities[at].1
}

/// The change count in a [`CONFIG_KEY`] entity's fields.
pub fn change_count(fields: &FieldMap) -> u64 {
    fields.get(CHANGES).map_or(0, |&n| u64::try_from(n).unwrap_or(0))
}

/// The account's [`CONFIG_KEY`] entity: its change count, list versions and item counts.
pub async fn settings(store: &dyn Store, account: &str) -> Result<Arc<FieldMap>, ApiError> {
    let mut maps = store.read_entities(account, &[CONFIG_KEY.to_owned()]).await?;
    Ok(maps.pop().unwrap_or_default())
}

async fn stored_changes(store: &dyn Store, account: &str) -> Result<u64, ApiError> {
    Ok(change_count(&*settings(store, account).await?))
}

impl Engines {
    /// Engines built on `base` (a bundle's bytes).
    pub fn new(backend: Backend, base: &[u8]) -> Result<Engines, String> {
        let (base, _) = ward_core::bundle::decode(base).map_err(|e| format!("the base bundle is unusable: {e}"))?;
        Ok(Engines { backend, base, by_account: RwLock::new(HashMap::new()), items: ItemCache::default() })
    }

    /// The account's engine, built (and published from the store) on first use.
    pub async fn get(&self, store: &dyn Store, account: &str) -> Result<Arc<AccountEngine>, ApiError> {
        if let Some(e) = self.by_account.read().unwrap_or_else(|p| p.into_inner()).get(account) {
            return Ok(e.clone());
        }
        let changes = stored_changes(store, account).await?;
        let bundle = self.build(store, account).await?;
        let scorer: Arc<dyn Scorer> = match &self.backend {
            Backend::Component { runtime, wasm } => Arc::new(
                ComponentScorer::new(runtime.clone(), wasm, &bundle).map_err(|e| engine_error(&e.to_string()))?,
            ),
            Backend::Native => Arc::new(NativeScorer::new(&bundle).map_err(|e| engine_error(&e.to_string()))?),
        };
        let wanted = wanted(scorer.as_ref())?;
        let engine = Arc::new(AccountEngine {
            scorer,
            publishing: tokio::sync::Mutex::new(()),
            wanted: RwLock::new(wanted),
            published: AtomicU64::new(changes),
            local_changes: AtomicU64::new(0),
            scheduled: AtomicBool::new(false),
        });
        let mut map = self.by_account.write().unwrap_or_else(|p| p.into_inner());
        Ok(map.entry(account.to_owned()).or_insert(engine).clone())
    }

    /// Rebuilds the account's bundle from its current rules and lists and swaps it in. Returns
    /// the new bundle id.
    pub async fn publish(&self, store: &dyn Store, account: &str) -> Result<String, ApiError> {
        let engine = self.get(store, account).await?;
        let _turn = engine.publishing.lock().await;
        self.rebuild(store, account, &engine).await
    }

    /// The account's engine with every change the store counts (made here or by another
    /// server): what checks of rules and lists must see.
    pub async fn fresh(&self, store: &dyn Store, account: &str) -> Result<Arc<AccountEngine>, ApiError> {
        let engine = self.get(store, account).await?;
        let stored = stored_changes(store, account).await?;
        self.catch_up(store, account, &engine, stored).await;
        Ok(engine)
    }

    /// Brings `engine` up to `stored` changes (as read from the store) if it is behind. Should
    /// the rebuild fail, payments go on with the bundle already in place.
    pub async fn catch_up(&self, store: &dyn Store, account: &str, engine: &AccountEngine, stored: u64) {
        if !engine.behind(stored) {
            return;
        }
        let _turn = engine.publishing.lock().await;
        if engine.behind(stored)
            && let Err(e) = self.rebuild(store, account, engine).await
        {
            tracing::warn!(account, error = %e.error.message, "changes not published; scoring with the previous bundle");
        }
    }

    /// Builds and swaps in the account's bundle; the caller holds `engine.publishing`.
    async fn rebuild(&self, store: &dyn Store, account: &str, engine: &AccountEngine) -> Result<String, ApiError> {
        // Changes counted before the build begins were committed with the count: all are in it.
        let target = stored_changes(store, account).await?;
        let bundle = self.build(store, account).await?;
        let id = engine.scorer.swap_bundle(&bundle).map_err(|e| engine_error(&e.to_string()))?;
        *engine.wanted.write().unwrap_or_else(|p| p.into_inner()) = wanted(engine.scorer.as_ref())?;
        engine.published.fetch_max(target, Ordering::AcqRel);
        Ok(id)
    }

    /// The base bundle's rules followed by `account_rules`, checked by the account's scorer.
    pub fn rules_text(&self, account_rules: &str) -> String {
        if self.base.rules.trim().is_empty() {
            account_rules.to_owned()
        } else {
            format!("{}\n{account_rules}", self.base.rules.trim_end())
        }
    }

    async fn build(&self, store: &dyn Store, account: &str) -> Result<Vec<u8>, ApiError> {
        let mut spec = self.base.clone();
        spec.rules = self.rules_text(&account_rules(store, account).await?);
        spec.lists = with_defaults(self.account_lists(store, account).await?);
        let (bytes, _) = ward_core::bundle::encode(&spec).map_err(|e| engine_error(&e.to_string()))?;
        Ok(bytes)
    }

    /// The account's value lists with their items (see [`ItemCache`]).
    async fn account_lists(&self, store: &dyn Store, account: &str) -> Result<Vec<ValueList>, ApiError> {
        let lists: Vec<(String, String, String, ItemType)> = all_docs(store, account, Kind::ValueList, None)
            .await?
            .iter()
            .filter_map(|l| {
                let (id, alias) = (l["id"].as_str()?, l["alias"].as_str()?);
                let ty = l["item_type"].as_str().and_then(ItemType::parse)?;
                Some((id.to_owned(), alias.to_owned(), l["name"].as_str().unwrap_or(alias).to_owned(), ty))
            })
            .collect();
        let ids: Vec<&str> = lists.iter().map(|(id, ..)| id.as_str()).collect();
        let items = self.items.items(store, account, &ids).await?;
        Ok(lists
            .iter()
            .zip(items)
            .map(|((id, alias, name, ty), items)| {
                ValueList::new(id, alias, name, *ty).with_items(items.iter().cloned())
            })
            .collect())
    }

    /// The value lists' items in memory, and the commits that change them.
    pub fn items(&self) -> &ItemCache {
        &self.items
    }
}

impl AccountEngine {
    /// Whether the store counts changes the scorer does not have.
    pub fn behind(&self, stored: u64) -> bool {
        self.published.load(Ordering::Acquire) < stored
    }
}

/// After list-item changes of `account` (committed, each counted with [`count_change`]):
/// publishes them once changes have paused for [`QUIET`]. A payment before that publishes them
/// itself ([`Engines::catch_up`]).
pub async fn items_changed(app: &Arc<App>, account: &str) -> Result<(), ApiError> {
    let engine = app.engines.get(app.store.as_ref(), account).await?;
    engine.local_changes.fetch_add(1, Ordering::AcqRel);
    if engine.scheduled.swap(true, Ordering::AcqRel) {
        return Ok(());
    }
    let (app, account) = (app.clone(), account.to_owned());
    tokio::spawn(async move {
        loop {
            let seen = engine.local_changes.load(Ordering::Acquire);
            tokio::time::sleep(QUIET).await;
            if engine.local_changes.load(Ordering::Acquire) == seen {
                break;
            }
        }
        // Cleared before publishing: a change from now on schedules its own publication.
        engine.scheduled.store(false, Ordering::Release);
        let store = app.store.as_ref();
        match stored_changes(store, &account).await {
            Ok(stored) => app.engines.catch_up(store, &account, &engine, stored).await,
            Err(e) => tracing::warn!(account, error = %e.error.message, "list changes not published"),
        }
    });
    Ok(())
}

fn wanted(scorer: &dyn Scorer) -> Result<Arc<crate::velocity::Plan>, ApiError> {
    let m = scorer.manifest().map_err(|e| engine_error(&e.to_string()))?;
    Ok(Arc::new(crate::velocity::Plan::new(Some(&m.context.into_iter().collect()))))
}

fn engine_error(message: &str) -> ApiError {
    ApiError::internal("engine_unavailable", format!("The scoring engine could not be built: {message}"))
}

/// Every object of a kind (all pages), optionally with a tag, oldest first.
pub async fn all_docs(store: &dyn Store, account: &str, kind: Kind, tag: Option<&str>) -> Result<Vec<Value>, ApiError> {
    let docs = all_stored(store, account, kind, tag).await?;
    Ok(docs.iter().filter_map(|d| serde_json::from_str::<Value>(&d.body).ok()).collect())
}

/// Every stored object of a kind (all pages), optionally with a tag, oldest first.
pub async fn all_stored(store: &dyn Store, account: &str, kind: Kind, tag: Option<&str>) -> Result<Vec<Doc>, ApiError> {
    let query = ListQuery { limit: 100, tags: tag.map(str::to_owned).into_iter().collect(), ..ListQuery::default() };
    let mut docs = store.list_all(account, kind, query, usize::MAX).await?;
    docs.reverse();
    Ok(docs)
}

/// The account's enabled rules as a rules file (`id: predicate` per line), oldest first.
pub async fn account_rules(store: &dyn Store, account: &str) -> Result<String, ApiError> {
    let rules = all_docs(store, account, Kind::Rule, None).await?;
    let lines: Vec<String> = rules
        .iter()
        .filter(|r| r["enabled"].as_bool().unwrap_or(true))
        .filter_map(|r| Some(format!("{}: {}", r["id"].as_str()?, r["predicate"].as_str()?)))
        .collect();
    Ok(lines.join("\n"))
}
