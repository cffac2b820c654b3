//! `system-info`: tells the model about the host, but only the facts its owner allows. The host passes each allowed
//! fact as an environment variable `PERSONA_INFO_<NAME>`; the module sees nothing else of the machine.

use std::time::{SystemTime, UNIX_EPOCH};
use tool_io::{serve, Call};

const PREFIX: &str = "PERSONA_INFO_";

fn main() {
    serve(|call: &Call| match call.function.as_str() {
        "get" => Ok(get(call.optional("fields"))),
        other => Err(format!("system-info has no function '{other}'")),
    })
}

/// The allowed facts, all of them or those named in the comma-separated `fields`, as `name: value` lines.
fn get(fields: Option<&str>) -> String {
    let mut facts: Vec<(String, String)> = std::env::vars()
        .filter_map(|(key, value)| key.strip_prefix(PREFIX).map(|name| (name.to_ascii_lowercase(), value)))
        .collect();
    if let Ok(now) = SystemTime::now().duration_since(UNIX_EPOCH) {
        facts.push(("unix_time".to_string(), now.as_secs().to_string()));
    }
    facts.sort();
    let wanted: Vec<String> = fields
        .map(|list| list.split(',').map(|f| f.trim().to_ascii_lowercase()).filter(|f| !f.is_empty()).collect())
        .unwrap_or_default();
    let mut lines: Vec<String> = facts
        .iter()
        .filter(|(name, _)| wanted.is_empty() || wanted.contains(name))
        .map(|(name, value)| format!("{name}: {value}"))
        .collect();
    for name in &wanted {
        if !facts.iter().any(|(known, _)| known == name) {
            lines.push(format!("{name}: not shared by the owner"));
        }
    }
    lines.join("\n")
}
