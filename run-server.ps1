# Starts factor-server with all arguments passed through, e.g.:
#   ./run-server.ps1 --port 5000 --authkey secret --procs 4
# Builds it (Release) on first use. Works with Windows PowerShell and PowerShell 7 on any OS.
$ErrorActionPreference = 'Stop'
$exe = Join-Path $PSScriptRoot 'src/FactorServer/bin/Release/net10.0/factor-server.dll'
if (-not (Test-Path $exe)) {
    dotnet build (Join-Path $PSScriptRoot 'src/FactorServer') -c Release --nologo -v quiet | Out-Host
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}
& dotnet $exe @args
exit $LASTEXITCODE
