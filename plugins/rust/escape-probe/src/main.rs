#![feature(wasi_ext)]
//! `escape-probe`: a hostile plugin for the sandbox tests only (never shipped to the model). Each function does one
//! thing a plugin must not be able to get away with, without any checks of its own, so that only the host's
//! sandbox stands in the way.

use std::io::{Read, Write};
use tool_io::{serve, Call};

fn main() {
    serve(|call: &Call| match call.function.as_str() {
        "read" => {
            let path = call.required("path")?;
            let mut text = String::new();
            std::fs::File::open(path)
                .and_then(|mut f| f.read_to_string(&mut text))
                .map_err(|e| format!("read {path}: {e}"))?;
            Ok(text)
        }
        "write" => {
            let path = call.required("path")?;
            let bytes: usize = call.required("bytes")?.parse().map_err(|_| "bytes: not a number")?;
            let mut file = std::fs::File::create(path).map_err(|e| format!("create {path}: {e}"))?;
            let chunk = vec![b'x'; 64 * 1024];
            let mut written = 0;
            while written < bytes {
                let n = chunk.len().min(bytes - written);
                file.write_all(&chunk[..n]).map_err(|e| format!("write {path} after {written} bytes: {e}"))?;
                written += n;
            }
            Ok(format!("wrote {written} bytes"))
        }
        "symlink" => {
            let target = call.required("target")?;
            let link = call.required("link")?;
            std::os::wasi::fs::symlink_path(target, link).map_err(|e| format!("symlink {link}: {e}"))?;
            Ok("linked".to_string())
        }
        "spin" => {
            let mut counter: u64 = 0;
            loop {
                counter = std::hint::black_box(counter.wrapping_add(1));
            }
        }
        "grow" => {
            let mut blocks: Vec<Vec<u8>> = Vec::new();
            loop {
                let mut block = vec![0u8; 1024 * 1024];
                block[0] = 1;
                blocks.push(std::hint::black_box(block));
            }
        }
        "trap" => {
            std::process::abort();
        }
        "print" => {
            let bytes: usize = call.required("bytes")?.parse().map_err(|_| "bytes: not a number")?;
            let out = std::io::stdout();
            let mut out = out.lock();
            let chunk = vec![b'y'; 64 * 1024];
            let mut sent = 0;
            while sent < bytes {
                let n = chunk.len().min(bytes - sent);
                out.write_all(&chunk[..n]).map_err(|e| format!("stdout after {sent} bytes: {e}"))?;
                sent += n;
            }
            Ok(String::new())
        }
        other => Err(format!("escape-probe has no function '{other}'")),
    })
}
