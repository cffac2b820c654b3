//! The call interface every Persona plugin shares (docs/plugins.md): the host runs the module's `_start` with the
//! arguments `<plugin> <function> <name>=<value>...`; the plugin writes its result to stdout and exits 0, or writes
//! an error for the model to stdout and exits 2. Hand-written because no crates (serde) are available offline.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::exit;

/// Exit status of a refused or failed call whose stdout is the error message.
pub const TOOL_ERROR: i32 = 2;

/// One call: the function name and its named parameters.
pub struct Call {
    pub function: String,
    params: BTreeMap<String, String>,
}

impl Call {
    /// Reads the call from the process arguments.
    pub fn from_args() -> Result<Call, String> {
        let mut args = std::env::args().skip(1);
        let function = args.next().ok_or("no function named")?;
        let mut params = BTreeMap::new();
        for arg in args {
            let (name, value) = arg.split_once('=').ok_or_else(|| format!("argument without '=': {arg}"))?;
            params.insert(name.to_string(), value.to_string());
        }
        Ok(Call { function, params })
    }

    /// A parameter the function needs.
    pub fn required(&self, name: &str) -> Result<&str, String> {
        self.params.get(name).map(String::as_str).ok_or_else(|| format!("missing parameter '{name}'"))
    }

    /// A parameter the function can do without.
    pub fn optional(&self, name: &str) -> Option<&str> {
        self.params.get(name).map(String::as_str)
    }
}

/// Runs a plugin's dispatcher: prints its result and exits 0, or prints the error and exits with TOOL_ERROR.
pub fn serve(dispatch: impl FnOnce(&Call) -> Result<String, String>) -> ! {
    let outcome = Call::from_args().and_then(|call| dispatch(&call));
    let mut out = std::io::stdout().lock();
    let status = match outcome {
        Ok(result) => {
            let _ = out.write_all(result.as_bytes());
            0
        }
        Err(message) => {
            let _ = out.write_all(message.as_bytes());
            TOOL_ERROR
        }
    };
    let _ = out.flush();
    exit(status)
}

/// The JSON string literal of `text` (RFC 8259 escaping).
pub fn json_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if (c as u32) < 0x20 => quoted.push_str(&format!("\\u{:04x}", c as u32)),
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::json_string;

    #[test]
    fn escapes_quotes_controls_and_backslashes() {
        assert_eq!(json_string("a\"b\\c\n\u{1}"), "\"a\\\"b\\\\c\\n\\u0001\"");
    }
}
