//! Where the built component and test plugins are: `tests/build-component.sh` puts them in
//! `target/ward-component/` at the workspace root (whatever `CARGO_TARGET_DIR` says).

use std::path::PathBuf;

use super::RuntimeError;

/// Environment variable naming the component file, overriding the default places.
pub const COMPONENT_ENV: &str = "WARD_COMPONENT";

/// Environment variable naming the directory of built plugins.
pub const PLUGINS_ENV: &str = "WARD_PLUGINS_DIR";

/// File name of the built component.
const COMPONENT_FILE: &str = "ward.component.wasm";

fn workspace_out() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..").join("target").join("ward-component")
}

/// The component to run: `explicit` if given, else `$WARD_COMPONENT`, else
/// `ward.component.wasm` beside the executable, else the workspace's build output.
pub fn component_path(explicit: Option<&std::path::Path>) -> Result<PathBuf, RuntimeError> {
    if let Some(p) = explicit {
        return Ok(p.to_owned());
    }
    if let Some(p) = std::env::var_os(COMPONENT_ENV) {
        return Ok(PathBuf::from(p));
    }
    let beside_exe = std::env::current_exe().ok().and_then(|e| e.parent().map(|d| d.join(COMPONENT_FILE)));
    let candidates: Vec<PathBuf> = beside_exe.into_iter().chain([workspace_out().join(COMPONENT_FILE)]).collect();
    candidates.iter().find(|p| p.is_file()).cloned().ok_or_else(|| {
        let tried: Vec<String> = candidates.iter().map(|p| p.display().to_string()).collect();
        RuntimeError::Missing(format!(
            "the Ward component is not built (looked in ${COMPONENT_ENV}, {}); run tests/build-component.sh, \
             or pass --runtime native",
            tried.join(", ")
        ))
    })
}

/// A built plugin by crate short name (`hostile`, `signals`): `$WARD_PLUGINS_DIR/<name>.wasm`,
/// else the workspace's build output.
pub fn plugin_path(name: &str) -> PathBuf {
    let dir = std::env::var_os(PLUGINS_ENV).map(PathBuf::from).unwrap_or_else(|| workspace_out().join("plugins"));
    dir.join(format!("{name}.wasm"))
}
