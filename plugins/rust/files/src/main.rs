//! `files`: list, read, write, append and delete files in the persona's own folder. The host preopens that folder
//! as the module's only directory (WASI), so nothing else exists for this module; the checks here only turn
//! mistakes into clear messages before the sandbox refuses them.

use std::fs;
use std::io::{Read, Write};
use std::path::{Component, Path};
use tool_io::{serve, Call};

/// The largest file `read` returns.
const MAX_READ: u64 = 4 * 1024 * 1024;

fn main() {
    serve(|call: &Call| match call.function.as_str() {
        "list" => list(checked(call.optional("path").unwrap_or("."))?),
        "read" => read(checked(call.required("path")?)?),
        "write" => write(checked(call.required("path")?)?, call.required("content")?, false),
        "append" => write(checked(call.required("path")?)?, call.required("content")?, true),
        "delete" => delete(checked(call.required("path")?)?),
        other => Err(format!("files has no function '{other}'")),
    })
}

/// A path relative to the persona's folder, without `..`.
fn checked(path: &str) -> Result<&Path, String> {
    let candidate = Path::new(path);
    if path.is_empty() {
        return Err("the path is empty".to_string());
    }
    for component in candidate.components() {
        match component {
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!("'{path}' is absolute: paths are relative to your folder"))
            }
            Component::ParentDir => return Err(format!("'{path}' leaves your folder ('..')")),
            _ => {}
        }
    }
    Ok(candidate)
}

fn failure(action: &str, path: &Path, error: std::io::Error) -> String {
    let reason = match error.kind() {
        std::io::ErrorKind::NotFound => "it does not exist".to_string(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
        _ => error.to_string(),
    };
    format!("cannot {action} '{}': {reason}", path.display())
}

fn list(path: &Path) -> Result<String, String> {
    let mut entries: Vec<String> = fs::read_dir(path)
        .map_err(|e| failure("list", path, e))?
        .filter_map(Result::ok)
        .map(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            match entry.metadata() {
                Ok(meta) if meta.is_dir() => format!("{name}/"),
                Ok(meta) => format!("{name}\t{} bytes", meta.len()),
                Err(_) => name,
            }
        })
        .collect();
    entries.sort();
    if entries.is_empty() {
        return Ok(format!("'{}' is empty", path.display()));
    }
    Ok(entries.join("\n"))
}

fn read(path: &Path) -> Result<String, String> {
    let mut file = fs::File::open(path).map_err(|e| failure("read", path, e))?;
    let size = file.metadata().map_err(|e| failure("read", path, e))?.len();
    if size > MAX_READ {
        return Err(format!("'{}' has {size} bytes; files above {MAX_READ} bytes are not read", path.display()));
    }
    let mut bytes = Vec::with_capacity(size as usize);
    file.read_to_end(&mut bytes).map_err(|e| failure("read", path, e))?;
    // Valid UTF-8 (the usual case) is handed over without a copy; anything else gets replacement characters.
    Ok(String::from_utf8(bytes).unwrap_or_else(|invalid| String::from_utf8_lossy(invalid.as_bytes()).into_owned()))
}

fn write(path: &Path, content: &str, append: bool) -> Result<String, String> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(parent).map_err(|e| failure("create the folder of", path, e))?;
    }
    let mut file = fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(path)
        .map_err(|e| failure("open", path, e))?;
    file.write_all(content.as_bytes()).map_err(|e| failure("write", path, e))?;
    let verb = if append { "appended" } else { "wrote" };
    Ok(format!("{verb} {} bytes to '{}'", content.len(), path.display()))
}

fn delete(path: &Path) -> Result<String, String> {
    let meta = fs::symlink_metadata(path).map_err(|e| failure("delete", path, e))?;
    if meta.is_dir() {
        fs::remove_dir(path).map_err(|e| failure("delete the folder (it must be empty)", path, e))?;
    } else {
        fs::remove_file(path).map_err(|e| failure("delete", path, e))?;
    }
    Ok(format!("deleted '{}'", path.display()))
}

#[cfg(test)]
mod tests {
    use super::checked;

    #[test]
    fn refuses_absolute_and_parent_paths() {
        assert!(checked("notes/today.txt").is_ok());
        assert!(checked("/etc/passwd").unwrap_err().contains("absolute"));
        assert!(checked("notes/../../x").unwrap_err().contains(".."));
        assert!(checked("").is_err());
    }
}
