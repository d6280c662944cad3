#!/usr/bin/env bash
# A new application, as a user starts one: `cargo new`, logconf as a path dependency
# with its default features, `log` as it comes. Checks that its dependency tree has no
# CLI crate, that `log::info!(amount = 5, currency = "USD"; "paid")` through
# `%(message)s %(key_values)s` is written `paid amount=5 currency=USD`, and that
# `kill -HUP` reloads the file while the process goes on logging.
#
#     bash .ci/new_application.sh /path/to/logconf
set -euo pipefail
root=$(cd "${1:-.}" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
cargo new --quiet --bin paid-app
cd paid-app
cat >> Cargo.toml <<TOML
logconf = { path = "$root" }
log = "0.4"
TOML
cat > src/main.rs <<'RUST'
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _guard = logconf::init()?;
    log::info!(amount = 5, currency = "USD"; "paid");
    println!("ready");
    for n in 0..60 {
        std::thread::sleep(std::time::Duration::from_millis(100));
        log::info!(n; "tick");
    }
    Ok(())
}
RUST
config() {
  printf 'version = 1\n[formatters.plain]\nformat = "%s%%(message)s %%(key_values)s"\n[handlers.file]\nclass = "file"\nfilename = "app.log"\nformatter = "plain"\n[root]\nlevel = "INFO"\nhandlers = ["file"]\n' "$1" > logging.toml
}
config ""

if cargo tree -e normal --prefix none | grep -E '^(clap|schemars) '; then
  echo "a new application's tree has CLI crates"; exit 1
fi
echo "$(cargo tree -e normal --prefix none | sed 's/ (\*)//' | sort -u | wc -l) crates in the new application's tree, itself included"
cargo build --quiet

export LOG_BASE_DIR="$work/logs"
./target/debug/paid-app > out.txt &
pid=$!
for _ in $(seq 100); do grep -q ready out.txt 2>/dev/null && break; sleep 0.1; done
config "AFTER "
kill -HUP "$pid"
sleep 1
kill -0 "$pid" || { echo "kill -HUP ended the application"; exit 1; }
wait "$pid" || { echo "the application failed after SIGHUP"; exit 1; }
log=$LOG_BASE_DIR/app.log
head -1 "$log"
tail -1 "$log"
[ "$(head -1 "$log")" = "paid amount=5 currency=USD" ] || { echo "the first line is not 'paid amount=5 currency=USD'"; exit 1; }
[ "$(tail -1 "$log")" = "AFTER tick n=59" ] || { echo "the application did not log through the reloaded file to the end"; exit 1; }
echo "new application: OK (key_values written, SIGHUP reloaded, logging went on)"
