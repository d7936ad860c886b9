# Build the Windows installer: the one-folder program, its self-test, then Inno Setup.
#   powershell -ExecutionPolicy Bypass -File packaging\windows\build_installer.ps1 [-Variant cpu|cuda]
# Needs: the project installed in the active Python environment with the build extra
# (pip install -e ".[build]"; for -Variant cuda a CUDA torch), and Inno Setup 6 (iscc.exe).
param(
    [ValidateSet("cpu", "cuda")] [string] $Variant = "cpu",
    [string] $Iscc = "${env:ProgramFiles(x86)}\Inno Setup 6\ISCC.exe"
)
$ErrorActionPreference = "Stop"
$Root = Resolve-Path "$PSScriptRoot\..\.."
Set-Location $Root

python packaging\build.py --variant $Variant
if ($LASTEXITCODE -ne 0) { throw "build or frozen self-test failed (exit $LASTEXITCODE): see dist\aigc-workbench-$Variant-build.json" }

$Version = python -c "import tomllib; print(tomllib.load(open('pyproject.toml','rb'))['project']['version'])"
if (-not (Test-Path $Iscc)) { throw "Inno Setup not found at $Iscc: install Inno Setup 6 or pass -Iscc PATH" }
& $Iscc "/DAppVersion=$Version" "/DVariant=$Variant" "packaging\windows\aigc-workbench.iss"
if ($LASTEXITCODE -ne 0) { throw "iscc failed (exit $LASTEXITCODE)" }

Get-ChildItem dist\aigc-workbench-$Version-windows-x64-$Variant-setup*.exe | ForEach-Object {
    $Hash = (Get-FileHash $_.FullName -Algorithm SHA256).Hash.ToLower()
    "$Hash  $($_.Name)" | Set-Content -Encoding ascii "$($_.FullName).sha256"
    Write-Output "$($_.FullName)`nsha256 $Hash"
}
