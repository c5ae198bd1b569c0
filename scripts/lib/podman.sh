# Sourced by the scripts that need podman. Defines find_podman_setup, which makes podman usable in
# this shell: through the machine's setup script when $PODMAN_SETUP names one (it prints export lines
# for podman's settings, evaluated here), else podman as it is installed. Sets PODMAN_READY=1, or
# calls the caller's skip() with the reason when podman cannot be used.
find_podman_setup() {
  local log=$2 exports
  if [ -n "${PODMAN_SETUP:-}" ]; then
    [ -x "$PODMAN_SETUP" ] || skip "PODMAN_SETUP=$PODMAN_SETUP is not an executable script"
    echo "podman setup: $PODMAN_SETUP"
    exports=$("$PODMAN_SETUP" 2>"$log") || { tail -20 "$log" >&2; skip "podman setup failed (log above)"; }
    eval "$exports"
  else
    command -v podman >/dev/null 2>&1 || skip "no podman here (install it, or set PODMAN_SETUP to a script that sets it up)"
    echo "podman setup: none (PODMAN_SETUP is not set): podman as installed"
  fi
  podman info >/dev/null 2>&1 || skip "podman is installed but 'podman info' fails (set PODMAN_SETUP to a script that sets it up)"
  PODMAN_READY=1
}
