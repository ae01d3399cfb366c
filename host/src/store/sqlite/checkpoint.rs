//! The checkpoint thread: copies committed WAL frames into the main database file on a
//! connection of its own, so that commits rarely wait for that copy.
//!
//! SQLite's automatic checkpoint runs in the committing connection, here the writer: every
//! 1,000 pages or so a commit also copied about 4 MB into the main file and synced it, a few
//! milliseconds that every payment queued behind it waited for (most of the p99 at light load).
//! A passive checkpoint on another connection copies frames while the writer goes on
//! appending. The writer keeps its automatic checkpoint as a backstop: by the time the WAL
//! reaches that size this thread has copied nearly all of it, so the writer copies only the
//! last frames, and, with every frame copied, the WAL starts over from its beginning instead of
//! growing (which only a checkpoint in the writing connection can guarantee, as frames appended
//! while another connection checkpoints are left for the next round).

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use super::super::StoreError;

/// Time between two passive checkpoints.
const EVERY: Duration = Duration::from_millis(20);

/// Starts the checkpoint thread on a connection of its own. It runs until the returned sender
/// is dropped (with the writer).
pub fn spawn(path: &Path, fsync: bool) -> Result<mpsc::Sender<()>, StoreError> {
    let conn = super::sql::open(path, fsync)?;
    let (stop, stopped) = mpsc::channel::<()>();
    std::thread::Builder::new()
        .name("ward-checkpoint".into())
        .spawn(move || {
            while let Err(mpsc::RecvTimeoutError::Timeout) = stopped.recv_timeout(EVERY) {
                // A failed checkpoint is retried at the next tick; until then the WAL keeps
                // the frames and the writer's own checkpoint still copies them.
                if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
                    tracing::debug!(error = %e, "background checkpoint failed");
                }
            }
        })
        .map_err(|e| StoreError::Database(format!("cannot start the checkpoint thread: {e}")))?;
    Ok(stop)
}
