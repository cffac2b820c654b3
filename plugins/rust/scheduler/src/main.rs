//! `scheduler`: turns the model's reminder requests into checked actions for the host, which stores the reminders
//! and fires them (the module keeps no state between calls). It reads the clock (WASI) and the owner's UTC offset
//! (`PERSONA_UTC_OFFSET_MINUTES`) and answers with one JSON object:
//! `{"action":"create","due":<unix seconds>,"text":"…"}`, `{"action":"list"}` or `{"action":"cancel","id":n}`.

use std::time::{SystemTime, UNIX_EPOCH};
use tool_io::{json_string, serve, Call};

const MAX_TEXT: usize = 500;
const MAX_AHEAD_SECONDS: i64 = 366 * 24 * 3600;

fn main() {
    serve(|call: &Call| match call.function.as_str() {
        "create" => create(call),
        "list" => Ok("{\"action\":\"list\"}".to_string()),
        "cancel" => {
            let id = call.required("id")?;
            let id: u64 = id.trim().parse().map_err(|_| format!("'{id}' is not a reminder id"))?;
            Ok(format!("{{\"action\":\"cancel\",\"id\":{id}}}"))
        }
        other => Err(format!("scheduler has no function '{other}'")),
    })
}

fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

fn create(call: &Call) -> Result<String, String> {
    let text = call.required("text")?.trim();
    if text.is_empty() {
        return Err("the reminder text is empty".to_string());
    }
    if text.chars().count() > MAX_TEXT {
        return Err(format!("the reminder text is longer than {MAX_TEXT} characters"));
    }
    let now = now();
    let due = match (call.optional("in_minutes"), call.optional("at")) {
        (Some(minutes), None) => {
            let minutes: f64 = minutes.trim().parse().map_err(|_| format!("'{minutes}' is not a number of minutes"))?;
            if !(minutes > 0.0) {
                return Err("in_minutes must be above 0".to_string());
            }
            now + (minutes * 60.0).round() as i64
        }
        (None, Some(at)) => {
            let offset = std::env::var("PERSONA_UTC_OFFSET_MINUTES").ok().and_then(|v| v.parse::<i64>().ok());
            parse_time(at.trim(), offset.unwrap_or(0))?
        }
        _ => return Err("give exactly one of 'in_minutes' or 'at'".to_string()),
    };
    if due <= now {
        return Err("that time is in the past".to_string());
    }
    if due - now > MAX_AHEAD_SECONDS {
        return Err("reminders can be at most a year ahead".to_string());
    }
    Ok(format!("{{\"action\":\"create\",\"due\":{due},\"text\":{}}}", json_string(text)))
}

/// `YYYY-MM-DDTHH:MM[:SS]` (or a space for `T`), optionally ending in `Z` or `±HH:MM`; without a zone the owner's
/// offset applies. Returns unix seconds.
fn parse_time(at: &str, local_offset_minutes: i64) -> Result<i64, String> {
    let invalid = || format!("'{at}' is not a time like 2026-12-24T18:30 (optionally with Z or +01:00)");
    let (date, rest) = at.split_once(['T', ' ']).ok_or_else(invalid)?;
    let (clock, offset_minutes) = if let Some(clock) = rest.strip_suffix('Z') {
        (clock, 0)
    } else if let Some(index) = rest.rfind(['+', '-']).filter(|&i| i >= 5) {
        let (clock, zone) = rest.split_at(index);
        let sign = if zone.starts_with('-') { -1 } else { 1 };
        let (h, m) = zone[1..].split_once(':').ok_or_else(invalid)?;
        let h: i64 = h.parse().map_err(|_| invalid())?;
        let m: i64 = m.parse().map_err(|_| invalid())?;
        (clock, sign * (h * 60 + m))
    } else {
        (rest, local_offset_minutes)
    };
    let numbers = |text: &str, sep: char| -> Result<Vec<i64>, String> {
        text.split(sep).map(|part| part.parse::<i64>().map_err(|_| invalid())).collect()
    };
    let d = numbers(date, '-')?;
    let t = numbers(clock, ':')?;
    if d.len() != 3 || !(2..=3).contains(&t.len()) {
        return Err(invalid());
    }
    let (year, month, day) = (d[0], d[1], d[2]);
    let (hour, minute, second) = (t[0], t[1], *t.get(2).unwrap_or(&0));
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) || hour > 23 || minute > 59
        || second > 59 || hour < 0 || minute < 0 || second < 0
    {
        return Err(invalid());
    }
    Ok(days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second - offset_minutes * 60)
}

fn days_in_month(year: i64, month: i64) -> i64 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

#[cfg(test)]
mod tests {
    use super::parse_time;

    #[test]
    fn parses_zones_and_local_offset() {
        assert_eq!(parse_time("2026-12-24T18:30Z", 0).unwrap(), 1_798_137_000);
        assert_eq!(parse_time("2026-12-24T19:30+01:00", 0).unwrap(), 1_798_137_000);
        assert_eq!(parse_time("2026-12-24 19:30", 60).unwrap(), 1_798_137_000);
        assert!(parse_time("2026-02-30T10:00", 0).is_err());
        assert!(parse_time("tomorrow", 0).is_err());
    }
}
