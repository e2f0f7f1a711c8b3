//! Reading a scenario file into text: at most [`MAX_FILE_BYTES`] are read (a log file or
//! `/dev/zero` given by mistake is refused, not loaded), and the text must be UTF-8; the
//! first byte that is not is reported at its line and column and by its byte offset.

use std::io::Read;
use std::path::Path;

use super::error::ScenarioError;
use super::limits::{MAX_FILE_BYTES, mebibytes};
use super::locate::Position;

/// Reads the scenario file at `path`; `file` names it in messages.
pub(crate) fn read(path: &Path, file: &str) -> Result<String, ScenarioError> {
    let cannot = |e: std::io::Error| ScenarioError::new(file, format!("cannot read the file: {e}"));
    // Asked before opening: `metadata` does not block, while opening a FIFO with no writer
    // would wait for one, and a device such as `/dev/zero` never ends.
    let metadata = std::fs::metadata(path).map_err(cannot)?;
    if let Some(kind) = not_a_regular_file(&metadata) {
        return Err(ScenarioError::new(
            file,
            format!("cannot read the file: it is {kind}, not a regular file"),
        ));
    }
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large(file));
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
        .map_err(cannot)?;
    // The file may have grown since `metadata`: the read stops one byte past the limit.
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(file));
    }
    decode(file, bytes)
}

fn too_large(file: &str) -> ScenarioError {
    ScenarioError::new(
        file,
        format!(
            "the file is larger than {}, the limit for a scenario (scenarios are a few kilobytes; is this the right file?)",
            mebibytes(MAX_FILE_BYTES)
        ),
    )
}

/// What the path is when it is not a regular file ("a directory", "a named pipe (FIFO)"):
/// such a path is refused before it is opened, since opening a FIFO waits for a writer and
/// reading a device may never end. Symbolic links are followed.
pub(crate) fn not_a_regular_file(metadata: &std::fs::Metadata) -> Option<&'static str> {
    let kind = metadata.file_type();
    if kind.is_file() {
        return None;
    }
    if kind.is_dir() {
        return Some("a directory");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if kind.is_fifo() {
            return Some("a named pipe (FIFO)");
        }
        if kind.is_char_device() {
            return Some("a character device");
        }
        if kind.is_block_device() {
            return Some("a block device");
        }
        if kind.is_socket() {
            return Some("a socket");
        }
    }
    Some("a special file")
}

/// The bytes as text, or an error at the first byte that is not UTF-8.
pub(crate) fn decode(file: &str, bytes: Vec<u8>) -> Result<String, ScenarioError> {
    let error = match String::from_utf8(bytes) {
        Ok(text) => return Ok(text),
        Err(e) => e,
    };
    let offset = error.utf8_error().valid_up_to();
    let bytes = error.as_bytes();
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        let mut utf16 = ScenarioError::new(
            file,
            "the file is UTF-16 (it starts with a UTF-16 byte-order mark); save it as UTF-8",
        );
        utf16.position = Some(Position { line: 1, column: 1 });
        return Err(utf16);
    }
    // Everything before `offset` is valid, so the line up to the byte is text.
    let valid = std::str::from_utf8(&bytes[..offset]).unwrap_or_default();
    let line_start = valid.rfind('\n').map_or(0, |newline| newline + 1);
    let position = Position {
        line: valid.matches('\n').count() as u64 + 1,
        column: valid[line_start..].chars().count() as u64 + 1,
    };
    // The offending line, shown under the message with the bad bytes replaced.
    let line_end = bytes[offset..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |n| offset + n);
    let mut located = ScenarioError::new(
        file,
        format!(
            "the file is not UTF-8: byte 0x{:02X} at byte offset {offset} (counting from 0) is not valid UTF-8 here; save the file as UTF-8",
            bytes[offset]
        ),
    );
    located.position = Some(position);
    located.source_line = Some(String::from_utf8_lossy(&bytes[line_start..line_end]).into_owned());
    Err(located)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_invalid_byte_is_located() {
        let mut bytes = b"name: x\ndescription: caf".to_vec();
        bytes.push(0xE9);
        bytes.extend_from_slice(b" au lait\nduration: 1s\n");
        let error = decode("f.yaml", bytes).unwrap_err();
        assert_eq!(
            error.position,
            Some(Position {
                line: 2,
                column: 17
            })
        );
        assert!(
            error.message.contains("byte 0xE9 at byte offset 24"),
            "{error}"
        );
        assert!(error.message.contains("UTF-8"), "{error}");
        assert_eq!(
            error.source_line.as_deref(),
            Some("description: caf\u{FFFD} au lait")
        );
    }

    #[test]
    fn columns_count_characters_before_the_byte() {
        let mut bytes = "a: \u{e9}t\u{e9} ".as_bytes().to_vec();
        bytes.push(0xFF);
        let error = decode("f.yaml", bytes).unwrap_err();
        // `a: été ` is seven characters (nine bytes).
        assert_eq!(error.position, Some(Position { line: 1, column: 8 }));
    }

    #[test]
    fn utf16_is_named() {
        let error = decode("f.yaml", vec![0xFF, 0xFE, b'n', 0]).unwrap_err();
        assert!(error.message.contains("UTF-16"), "{error}");
        assert_eq!(error.position, Some(Position { line: 1, column: 1 }));
    }

    #[test]
    fn devices_and_directories_are_refused_before_reading() {
        // Regression: `rtsim check /dev/zero` read until the size limit, and a FIFO
        // scenario path waited for a writer forever.
        for (path, kind) in [("/dev/zero", "character device"), ("/", "directory")] {
            if std::path::Path::new(path).exists() {
                let error = read(Path::new(path), path).unwrap_err();
                assert!(error.message.contains(kind), "{error}");
                assert!(error.message.contains("not a regular file"), "{error}");
            }
        }
    }

    #[test]
    fn valid_text_passes() {
        assert_eq!(decode("f.yaml", b"a: 1\n".to_vec()).unwrap(), "a: 1\n");
    }
}
