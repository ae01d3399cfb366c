//! How many items each value list holds: a count kept in the account's settings entity
//! ([`CONFIG_KEY`](crate::server::engines::CONFIG_KEY)) and changed in the same write as the
//! items, so checking the 50,000-item limit costs one in-memory read instead of a scan of the
//! list.

use crate::server::App;
use crate::server::api::ApiError;
use crate::server::engines::{config_ops, settings};
use crate::store::{FieldOp, Kind, WriteBatch};

/// The field counting a list's items, plus one. Absent until the list is first counted: a list
/// made before the count was kept is counted once, with a scan.
fn field(list_id: &str) -> String {
    format!("items:{list_id}")
}

/// The stored count field of `list_id`, if it has one.
async fn stored(app: &App, account: &str, list_id: &str) -> Result<Option<i64>, ApiError> {
    Ok(settings(app.store.as_ref(), account).await?.get(&field(list_id)).copied())
}

/// Counts item `item_id` in `batch` if it is new to `list_id` (a value already on the list
/// updates its item and counts nothing). With `limit`, a new item past it is refused. A list
/// not counted yet is counted now and its count started in `batch` (with `Max`, so two servers
/// starting it at once agree). Two requests adding the same new value at once count it twice
/// (the list holds it once).
pub async fn add(
    app: &App,
    account: &str,
    list_id: &str,
    item_id: &str,
    limit: Option<u64>,
    batch: &mut WriteBatch,
) -> Result<(), ApiError> {
    // Added or updated, the list's items changed.
    crate::server::list_items::changed(batch, list_id);
    if app.store.get(account, Kind::ValueListItem, item_id).await?.is_some() {
        return Ok(());
    }
    let n = match stored(app, account, list_id).await? {
        Some(n) => held(n),
        None => {
            let n = app.store.count(account, Kind::ValueListItem, list_id).await?;
            config_ops(batch).push(FieldOp::Max(field(list_id), i64::try_from(n).unwrap_or(i64::MAX - 1) + 1));
            n
        }
    };
    if let Some(max) = limit.filter(|&max| n >= max) {
        return Err(ApiError::request(
            "value_list_full",
            format!("Value list {list_id} already holds {max} items, the most a list can hold."),
        ));
    }
    config_ops(batch).push(FieldOp::Incr(field(list_id), 1));
    Ok(())
}

/// How many items `list_id` holds, for showing: its count, or a scan for a list not counted yet.
pub async fn shown(app: &App, account: &str, list_id: &str) -> Result<u64, ApiError> {
    match stored(app, account, list_id).await? {
        Some(n) => Ok(held(n)),
        None => Ok(app.store.count(account, Kind::ValueListItem, list_id).await?),
    }
}

/// The items a stored count field stands for.
fn held(field_value: i64) -> u64 {
    u64::try_from(field_value - 1).unwrap_or(0)
}

/// Counts a deleted item in `batch`, if the list is counted.
pub async fn removed(app: &App, account: &str, list_id: &str, batch: &mut WriteBatch) -> Result<(), ApiError> {
    crate::server::list_items::changed(batch, list_id);
    if stored(app, account, list_id).await?.is_some() {
        config_ops(batch).push(FieldOp::Incr(field(list_id), -1));
    }
    Ok(())
}

/// Drops a deleted list's count in `batch`.
pub fn forget(batch: &mut WriteBatch, list_id: &str) {
    crate::server::list_items::forget(batch, list_id);
    config_ops(batch).push(FieldOp::Del(field(list_id)));
}
