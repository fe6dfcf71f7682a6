# Sourced by scripts/run and scripts/test: create .venv on first use and install the project.
# torch is installed first and pinned, because an unpinned torch pulls a multi-GB CUDA build.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
TORCH_VERSION="${NEXTWORD_TORCH_VERSION:-2.13.0}"
ensure_venv() {  # $1: "" or "dev"
    local extra="$1" stamp="$VENV/.nextword-installed${1:+-$1}"
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV"
    fi
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null 2>&1 || true
        "$VENV/bin/python" -c "import torch" 2>/dev/null ||
            "$VENV/bin/python" -m pip install -q --disable-pip-version-check "torch==$TORCH_VERSION"
        "$VENV/bin/python" -m pip install -q --disable-pip-version-check -e "$ROOT${extra:+[$extra]}"
        touch "$stamp"
    fi
}
