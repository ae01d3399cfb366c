//! The operations that update a field map, their reference semantics, and pruning.

use super::FieldMap;
use super::windows::Field;

/// One update to an entity's field map. Each is atomic on its own and commutes with the others
/// except for cap races on [`Op::AddMember`], so a store can apply them as a Redis Lua script or a
/// SQLite transaction.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Op {
    /// `field += by` (an absent field is 0): `HINCRBY`.
    Incr {
        /// The field.
        field: String,
        /// The increment.
        by: i64,
    },
    /// `field = min(field, value)` (an absent field takes `value`): first-seen times.
    Min {
        /// The field.
        field: String,
        /// The candidate value.
        value: i64,
    },
    /// Adds `member` to the distinct set `set`: if the field `<set>:<member>` is absent and the
    /// set's count field `<set>` is below `cap`, sets `<set>:<member> = 1` and increments `<set>`.
    /// Otherwise does nothing. Keeping at most `cap` members per bucket keeps a distinct count
    /// capped at `cap` exact (see [`super::features`]).
    AddMember {
        /// The set's count field; members are `<set>:<member>`.
        set: String,
        /// The member's short hash.
        member: String,
        /// The most members the set keeps.
        cap: i64,
    },
}

/// Applies `ops` to `map` in order: the reference semantics every store must reproduce.
pub fn apply(map: &mut FieldMap, ops: &[Op]) {
    for op in ops {
        match op {
            Op::Incr { field, by } => {
                let v = map.entry(field.clone()).or_insert(0);
                *v = v.saturating_add(*by);
            }
            Op::Min { field, value } => {
                let v = map.entry(field.clone()).or_insert(*value);
                *v = (*v).min(*value);
            }
            Op::AddMember { set, member, cap } => {
                let field = format!("{set}:{member}");
                let count = map.get(set).copied().unwrap_or(0);
                if !map.contains_key(&field) && count < *cap {
                    map.insert(field, 1);
                    map.insert(set.clone(), count + 1);
                }
            }
        }
    }
}

/// The bucketed fields of `map` that no window can read at `now` or later: delete them to keep
/// maps bounded. All-time fields are never expired.
pub fn expired_fields(now: i64, map: &FieldMap) -> Vec<String> {
    map.keys()
        .filter(|name| Field::parse(name).bucket().is_some_and(|(res, b)| b < res.oldest_readable(now)))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incr(f: &str, by: i64) -> Op {
        Op::Incr { field: f.into(), by }
    }

    #[test]
    fn ops_follow_their_reference_semantics() {
        let mut m = FieldMap::new();
        apply(&mut m, &[incr("a", 2), incr("a", 3), Op::Min { field: "f".into(), value: 9 }]);
        apply(&mut m, &[Op::Min { field: "f".into(), value: 4 }, Op::Min { field: "f".into(), value: 7 }]);
        assert_eq!(m.get("a"), Some(&5));
        assert_eq!(m.get("f"), Some(&4));
        let add = |member: &str| Op::AddMember { set: "s:h:1".into(), member: member.into(), cap: 2 };
        apply(&mut m, &[add("x"), add("x"), add("y"), add("z")]);
        assert_eq!(m.get("s:h:1"), Some(&2));
        assert!(m.contains_key("s:h:1:x") && m.contains_key("s:h:1:y") && !m.contains_key("s:h:1:z"));
    }

    #[test]
    fn expiry_keeps_what_a_window_can_read() {
        let mut m = FieldMap::new();
        for f in ["c:m:0", "c:m:1", "c:h:-1", "c:h:0", "s:d:-365:ab", "s:d:-364:ab", "c:t", "first"] {
            m.insert(f.into(), 1);
        }
        // At 3600 the hourly window reads 5-minute buckets 1..=12; the weekly one hours -155..=1.
        let mut gone = expired_fields(3600, &m);
        gone.sort();
        assert_eq!(gone, vec!["c:m:0".to_owned(), "s:d:-365:ab".to_owned()]);
        let gone = expired_fields(168 * 3600, &m);
        assert_eq!(gone, ["c:h:-1", "c:h:0", "c:m:0", "c:m:1", "s:d:-364:ab", "s:d:-365:ab"]);
    }
}
