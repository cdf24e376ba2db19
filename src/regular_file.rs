//! Reading a file platc was pointed at without trusting what it is. Every input (the
//! blueprint, the files beside it, the output folder's manifest, journal and files) goes
//! through [`read`]: it looks at the file type before opening (a FIFO would block the read
//! forever, `/dev/zero` never ends), opens with `O_NONBLOCK` (a FIFO swapped in between the
//! look and the open cannot block either) and checks the opened file again (`fstat`), then
//! reads at most `cap + 1` bytes: one past the cap tells the caller "too large" without
//! reading the rest.

use std::fs;
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Why a file was not read.
#[derive(Debug)]
pub enum Error {
    /// Not a regular file: what it is ("a folder", "a named pipe (FIFO)", …).
    NotRegular(&'static str),
    Io(io::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Error::NotRegular(what) => write!(f, "it is {what}, not a regular file"),
            Error::Io(e) => e.fmt(f),
        }
    }
}

/// Whether symbolic links are followed (the user's own `-f` path) or refused (the output
/// folder, where platc never goes through a link).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Links {
    Follow,
    Refuse,
}

/// At most `cap + 1` bytes of the regular file at `path`; more than `cap` means the file is
/// larger than the caller reads (it says so in its own words).
pub fn read(path: &Path, cap: usize, links: Links) -> Result<Vec<u8>, Error> {
    let meta = match links {
        Links::Follow => fs::metadata(path),
        Links::Refuse => fs::symlink_metadata(path),
    }
    .map_err(Error::Io)?;
    kind(&meta.file_type())?;
    let mut flags = libc::O_NONBLOCK | libc::O_NOCTTY;
    if links == Links::Refuse {
        flags |= libc::O_NOFOLLOW;
    }
    let file = fs::OpenOptions::new()
        .read(true)
        .custom_flags(flags)
        .open(path)
        .map_err(Error::Io)?;
    // What was opened, which may not be what was looked at.
    let opened = file.metadata().map_err(Error::Io)?;
    kind(&opened.file_type())?;
    let want = u64::try_from(cap).unwrap_or(u64::MAX).saturating_add(1);
    let hint = usize::try_from(opened.len().min(want)).unwrap_or(0);
    let mut bytes = Vec::with_capacity(hint);
    file.take(want).read_to_end(&mut bytes).map_err(Error::Io)?;
    Ok(bytes)
}

/// `Ok` for a regular file, else what the thing is.
fn kind(t: &fs::FileType) -> Result<(), Error> {
    if t.is_file() {
        return Ok(());
    }
    Err(Error::NotRegular(if t.is_dir() {
        "a folder"
    } else if t.is_fifo() {
        "a named pipe (FIFO)"
    } else if t.is_char_device() || t.is_block_device() {
        "a device"
    } else if t.is_socket() {
        "a socket"
    } else if t.is_symlink() {
        "a symbolic link"
    } else {
        "not a file"
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_regular_files_up_to_one_past_the_cap() {
        let tmp = tempfile::tempdir().unwrap();
        let p = tmp.path().join("f");
        fs::write(&p, b"0123456789").unwrap();
        assert_eq!(read(&p, 100, Links::Follow).unwrap(), b"0123456789");
        assert_eq!(read(&p, 4, Links::Follow).unwrap(), b"01234");
    }

    #[test]
    fn devices_fifos_folders_and_links_are_refused_without_blocking() {
        let tmp = tempfile::tempdir().unwrap();
        let fifo = tmp.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        for (p, what) in [
            (fifo.as_path(), "FIFO"),
            (Path::new("/dev/zero"), "device"),
            (tmp.path(), "folder"),
        ] {
            let e = read(p, 16, Links::Follow).unwrap_err();
            assert!(e.to_string().contains(what), "{e}");
        }
        let target = tmp.path().join("t");
        fs::write(&target, "x").unwrap();
        let link = tmp.path().join("l");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert!(read(&link, 16, Links::Refuse).is_err());
        assert_eq!(read(&link, 16, Links::Follow).unwrap(), b"x");
    }
}
