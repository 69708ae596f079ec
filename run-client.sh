#!/bin/sh
# Starts factor-client with all arguments passed through, e.g.:
#   ./run-client.sh --ip server.example --procs 4 --authkey secret
# Builds it (Release) on first use.
set -e
here=$(cd "$(dirname "$0")" && pwd)
exe="$here/src/FactorClient/bin/Release/net10.0/factor-client.dll"
if [ ! -f "$exe" ]; then
    dotnet build "$here/src/FactorClient" -c Release --nologo -v quiet >&2
fi
exec dotnet "$exe" "$@"
