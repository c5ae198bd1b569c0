# Sourced by the scripts that need podman. Defines find_podman_setup, which sets up podman through
# ../shared/container/podman-setup (or $PODMAN_SETUP) and exports its settings into this shell,
# or calls the caller's skip() with the reason when it cannot.
find_podman_setup() {
  local root=$1 log=$2 setup=${PODMAN_SETUP:-} candidate
  if [ -z "$setup" ]; then
    for candidate in "$root/../shared/container/podman-setup" /work/shared/container/podman-setup; do
      [ -x "$candidate" ] && { setup=$candidate; break; }
    done
  fi
  [ -n "$setup" ] && [ -x "$setup" ] || skip "no podman-setup script (looked in ../shared/container/ and /work/shared/container/; set PODMAN_SETUP)"
  echo "podman setup: $setup"
  local exports
  exports=$("$setup" 2>"$log") || { tail -20 "$log" >&2; skip "podman-setup failed (log above)"; }
  eval "$exports"
  podman info >/dev/null 2>&1 || skip "podman is installed but 'podman info' fails"
}
