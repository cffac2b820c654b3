//! `calculator`: evaluates arithmetic expressions exactly as written, so the model does not guess numbers.
//! Grammar: numbers (1, 2.5, 1e3), + - * / % ^ (power, right-associative), unary minus, parentheses, the
//! constants pi and e, and the functions sqrt, abs, ln, log10, log2, exp, sin, cos, tan, asin, acos, atan, floor,
//! ceil, round.

use tool_io::{serve, Call};

fn main() {
    serve(|call: &Call| match call.function.as_str() {
        "evaluate" => evaluate(call.required("expression")?).map(format_number),
        other => Err(format!("calculator has no function '{other}'")),
    })
}

const MAX_LENGTH: usize = 1000;
const MAX_DEPTH: usize = 64;

fn evaluate(expression: &str) -> Result<f64, String> {
    if expression.len() > MAX_LENGTH {
        return Err(format!("expression longer than {MAX_LENGTH} characters"));
    }
    let mut parser = Parser { text: expression.as_bytes(), at: 0, depth: 0 };
    let value = parser.sum()?;
    parser.skip_spaces();
    if parser.at < parser.text.len() {
        return Err(parser.error("unexpected character"));
    }
    if !value.is_finite() {
        return Err("the result is not a finite number".to_string());
    }
    Ok(value)
}

fn format_number(value: f64) -> String {
    if value == value.trunc() && value.abs() < 1e15 {
        format!("{}", value as i64)
    } else {
        format!("{value}")
    }
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
    depth: usize,
}

impl Parser<'_> {
    fn error(&self, what: &str) -> String {
        format!("{what} at position {} of the expression", self.at + 1)
    }

    fn skip_spaces(&mut self) {
        while self.at < self.text.len() && self.text[self.at].is_ascii_whitespace() {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.skip_spaces();
        self.text.get(self.at).copied()
    }

    fn sum(&mut self) -> Result<f64, String> {
        let mut value = self.product()?;
        while let Some(op @ (b'+' | b'-')) = self.peek() {
            self.at += 1;
            let right = self.product()?;
            value = if op == b'+' { value + right } else { value - right };
        }
        Ok(value)
    }

    fn product(&mut self) -> Result<f64, String> {
        let mut value = self.unary()?;
        while let Some(op @ (b'*' | b'/' | b'%')) = self.peek() {
            let position = self.at;
            self.at += 1;
            let right = self.unary()?;
            if op != b'*' && right == 0.0 {
                self.at = position;
                return Err(self.error("division by zero"));
            }
            value = match op {
                b'*' => value * right,
                b'/' => value / right,
                _ => value % right,
            };
        }
        Ok(value)
    }

    fn unary(&mut self) -> Result<f64, String> {
        match self.peek() {
            Some(b'-') => {
                self.at += 1;
                self.nested(|p| p.unary()).map(|v| -v)
            }
            Some(b'+') => {
                self.at += 1;
                self.nested(|p| p.unary())
            }
            _ => self.power(),
        }
    }

    fn power(&mut self) -> Result<f64, String> {
        let base = self.atom()?;
        if self.peek() == Some(b'^') {
            self.at += 1;
            let exponent = self.nested(|p| p.unary())?;
            return Ok(base.powf(exponent));
        }
        Ok(base)
    }

    fn nested(&mut self, parse: impl FnOnce(&mut Self) -> Result<f64, String>) -> Result<f64, String> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("expression nested too deeply"));
        }
        let value = parse(self);
        self.depth -= 1;
        value
    }

    fn atom(&mut self) -> Result<f64, String> {
        match self.peek() {
            Some(b'(') => {
                self.at += 1;
                let value = self.nested(|p| p.sum())?;
                if self.peek() != Some(b')') {
                    return Err(self.error("missing ')'"));
                }
                self.at += 1;
                Ok(value)
            }
            Some(c) if c.is_ascii_digit() || c == b'.' => self.number(),
            Some(c) if c.is_ascii_alphabetic() => self.name(),
            Some(_) => Err(self.error("unexpected character")),
            None => Err(self.error("unexpected end")),
        }
    }

    fn number(&mut self) -> Result<f64, String> {
        let start = self.at;
        while self.at < self.text.len() && (self.text[self.at].is_ascii_digit() || self.text[self.at] == b'.') {
            self.at += 1;
        }
        if self.at < self.text.len() && (self.text[self.at] == b'e' || self.text[self.at] == b'E') {
            let mut end = self.at + 1;
            if end < self.text.len() && (self.text[end] == b'+' || self.text[end] == b'-') {
                end += 1;
            }
            if end < self.text.len() && self.text[end].is_ascii_digit() {
                self.at = end;
                while self.at < self.text.len() && self.text[self.at].is_ascii_digit() {
                    self.at += 1;
                }
            }
        }
        let literal = std::str::from_utf8(&self.text[start..self.at]).unwrap_or("");
        literal.parse::<f64>().map_err(|_| {
            self.at = start;
            self.error("not a number")
        })
    }

    fn name(&mut self) -> Result<f64, String> {
        let start = self.at;
        while self.at < self.text.len() && (self.text[self.at].is_ascii_alphanumeric()) {
            self.at += 1;
        }
        let name = std::str::from_utf8(&self.text[start..self.at]).unwrap_or("").to_ascii_lowercase();
        match name.as_str() {
            "pi" => return Ok(std::f64::consts::PI),
            "e" => return Ok(std::f64::consts::E),
            _ => {}
        }
        let function: fn(f64) -> f64 = match name.as_str() {
            "sqrt" => f64::sqrt,
            "abs" => f64::abs,
            "ln" => f64::ln,
            "log10" | "log" => f64::log10,
            "log2" => f64::log2,
            "exp" => f64::exp,
            "sin" => f64::sin,
            "cos" => f64::cos,
            "tan" => f64::tan,
            "asin" => f64::asin,
            "acos" => f64::acos,
            "atan" => f64::atan,
            "floor" => f64::floor,
            "ceil" => f64::ceil,
            "round" => f64::round,
            _ => {
                self.at = start;
                return Err(self.error(&format!("unknown name '{name}'")));
            }
        };
        if self.peek() != Some(b'(') {
            return Err(self.error(&format!("'{name}' needs '(' after it")));
        }
        let argument = self.atom()?;
        let value = function(argument);
        if value.is_nan() {
            self.at = start;
            return Err(self.error(&format!("{name} is not defined for {}", format_number(argument))));
        }
        Ok(value)
    }
}

#[cfg(test)]
mod tests {
    use super::{evaluate, format_number};

    #[test]
    fn precedence_power_and_functions() {
        assert_eq!(evaluate("2 + 3 * 4").unwrap(), 14.0);
        assert_eq!(evaluate("2 ^ 3 ^ 2").unwrap(), 512.0);
        assert_eq!(evaluate("-2^2").unwrap(), -4.0);
        assert_eq!(evaluate("sqrt(16) + (1 - 3) * 2").unwrap(), 0.0);
        assert_eq!(format_number(evaluate("7 / 2").unwrap()), "3.5");
    }

    #[test]
    fn errors_say_where() {
        assert_eq!(evaluate("1 / 0").unwrap_err(), "division by zero at position 3 of the expression");
        assert!(evaluate("2 +").unwrap_err().starts_with("unexpected end"));
        assert!(evaluate("foo(1)").unwrap_err().contains("unknown name 'foo'"));
        assert!(evaluate("sqrt(-1)").unwrap_err().contains("not defined"));
    }
}
