//! A well-behaved example plugin: what a third party writes to add signals to a payment.
//!
//! It reports `account_risk_level` for payments to a connected account, from that account's
//! `risk` metadata, as a stand-in for a lookup the plugin author's own data would answer.

wit_bindgen::generate!({ world: "plugin", path: "../../../wit" });

use exports::ward::risk::signals::{Guest, PaymentView};
use exports::ward::risk::types::ContextValue;

struct Example;

impl Guest for Example {
    fn signals(view: PaymentView) -> Result<Vec<(String, ContextValue)>, String> {
        let p = view.payment;
        let Some(_) = p.destination else { return Ok(Vec::new()) };
        let risk = p.destination_metadata.iter().find(|(k, _)| k == "risk").map(|(_, v)| v.as_str());
        let level = match risk {
            Some("high") => "highest",
            Some("medium") => "elevated",
            _ => "normal",
        };
        Ok(vec![("account_risk_level".to_owned(), ContextValue::Text(level.to_owned()))])
    }
}

export!(Example);
