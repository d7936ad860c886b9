; Inno Setup script for the Windows installer of AIGC Workbench.
; Build the one-folder program first (python packaging\build.py --variant cpu), then:
;   iscc /DAppVersion=0.1.0 /DVariant=cpu packaging\windows\aigc-workbench.iss
; or run packaging\windows\build_installer.ps1, which does both.
; The installer is fully offline: it contains the whole build and downloads nothing.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef Variant
  #define Variant "cpu"
#endif
#ifndef DistDir
  #define DistDir "..\..\dist\aigc-workbench"
#endif

[Setup]
AppId={{6F0F8E0C-6A0B-4D7E-9C8B-2E7A1B3C4D5E}
AppName=AIGC Workbench
AppVersion={#AppVersion}
AppVerName=AIGC Workbench {#AppVersion} ({#Variant})
AppPublisher=AIGC Workbench
DefaultDirName={autopf}\AIGC Workbench
DefaultGroupName=AIGC Workbench
DisableProgramGroupPage=yes
; Per-user install by default (no administrator needed); IT can choose all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog commandline
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=aigc-workbench-{#AppVersion}-windows-x64-{#Variant}-setup
Compression=lzma2/ultra64
SolidCompression=yes
LZMAUseSeparateProcess=yes
; The CUDA build is larger than one installer file may be: it is split into .bin parts
; that must stay beside the .exe.
#if Variant == "cuda"
DiskSpanning=yes
DiskSliceSize=max
#endif
UninstallDisplayIcon={app}\aigc-workbench.exe
WizardStyle=modern
ShowLanguageDialog=auto

[Languages]
Name: "en"; MessagesFile: "compiler:Default.isl"
Name: "zh_CN"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked
Name: "addtopath"; Description: "Add the aigc command to PATH"; Flags: unchecked
Name: "selftest"; Description: "Run the offline self-test after installing"; Flags: unchecked

[Files]
Source: "{#DistDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\AIGC Workbench"; Filename: "{app}\aigc-workbench.exe"
Name: "{group}\AIGC Workbench self-test"; Filename: "{app}\aigc.exe"; Parameters: "selftest"
Name: "{group}\{cm:UninstallProgram,AIGC Workbench}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\AIGC Workbench"; Filename: "{app}\aigc-workbench.exe"; Tasks: desktopicon

[Registry]
; Per-user PATH entry for aigc.exe (removed again on uninstall).
Root: HKCU; Subkey: "Environment"; ValueType: expandsz; ValueName: "Path"; \
    ValueData: "{olddata};{app}"; Tasks: addtopath; Check: NeedsAddPath(ExpandConstant('{app}'))

[Run]
Filename: "{app}\aigc.exe"; Parameters: "selftest"; StatusMsg: "Running the offline self-test..."; \
    Flags: runhidden waituntilterminated; Tasks: selftest
Filename: "{app}\aigc-workbench.exe"; Description: "{cm:LaunchProgram,AIGC Workbench}"; \
    Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder. The workspace (datasets, models, outputs) is the user's
; data and stays where it is: %LOCALAPPDATA%\AIGC Workbench\AIGC Workbench\workspace.
Type: filesandordirs; Name: "{app}\_internal"

[Code]
function NeedsAddPath(Dir: string): Boolean;
var
  Paths: string;
begin
  if not RegQueryStringValue(HKEY_CURRENT_USER, 'Environment', 'Path', Paths) then
  begin
    Result := True;
    exit;
  end;
  Result := Pos(';' + Uppercase(Dir) + ';', ';' + Uppercase(Paths) + ';') = 0;
end;
