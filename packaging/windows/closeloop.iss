; Inno Setup script of Closeloop (闭环督办): a per-user installer for Windows 10/11 x64, offline.
;
;   iscc /DAppVersion=0.1.0 packaging\windows\closeloop.iss
;
; Needs Inno Setup 6.3 or later (x64compatible) and the frozen app in dist\closeloop\
; (PyInstaller on packaging\closeloop.spec; README.md, "Installers"). Writes
; dist\closeloop-setup-<version>.exe.
;
; - Per user: no administrator rights; installs into %LOCALAPPDATA%\Programs\Closeloop,
;   a Start menu entry, an optional desktop shortcut, and an uninstaller (Settings → Apps).
; - The user's data folder, %APPDATA%\Closeloop (closeloop.db, its backups, evidence files,
;   the log) and the settings under HKCU\Software\Closeloop are never installed by this
;   script, so the uninstaller keeps them: there is deliberately no [UninstallDelete] entry
;   for them. The uninstaller says where the data stayed.
; - Setup speaks Simplified Chinese or English. Inno Setup's Chinese messages are a
;   translation it does not install by itself: put ChineseSimplified.isl (from
;   jrsoftware.org/files/istrans/) beside this script or in Inno Setup's Languages folder.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#define Dist AddBackslash(SourcePath) + "..\..\dist"
#define Resources AddBackslash(SourcePath) + "..\..\resources"

#ifndef ChineseIsl
  #if FileExists(AddBackslash(SourcePath) + "ChineseSimplified.isl")
    #define ChineseIsl AddBackslash(SourcePath) + "ChineseSimplified.isl"
  #elif FileExists(AddBackslash(CompilerPath) + "Languages\ChineseSimplified.isl")
    #define ChineseIsl "compiler:Languages\ChineseSimplified.isl"
  #else
    #error ChineseSimplified.isl not found: put it beside closeloop.iss or in Inno Setup's Languages folder (README.md, Installers)
  #endif
#endif

[Setup]
; AppId identifies the installation for upgrades and the uninstaller: never change it
AppId={{5FF7B7C7-E6C5-4127-B845-F967444778BB}
AppName={cm:AppName}
AppVersion={#AppVersion}
AppVerName={cm:AppName} {#AppVersion}
AppPublisher=Closeloop
VersionInfoVersion={#AppVersion}
PrivilegesRequired=lowest
DefaultDirName={autopf}\Closeloop
DefaultGroupName={cm:AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
UninstallDisplayName={cm:AppName}
UninstallDisplayIcon={app}\closeloop.exe
SetupIconFile={#Resources}\closeloop.ico
OutputDir={#Dist}
OutputBaseFilename=closeloop-setup-{#AppVersion}
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
ShowLanguageDialog=auto
CloseApplications=yes

[Languages]
; the first one is used when the computer's language is neither
Name: "chinesesimplified"; MessagesFile: "{#ChineseIsl}"
Name: "english"; MessagesFile: "compiler:Default.isl"

[CustomMessages]
chinesesimplified.AppName=闭环督办
english.AppName=Closeloop
chinesesimplified.DataKept=您的数据仍保留在 %1（数据库、备份与日志）。如不再需要，可自行删除该文件夹。
english.DataKept=Your data is kept in %1 (the database, its backups and the log). Delete that folder yourself if you no longer need it.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; an upgrade replaces the whole bundle, so no file of an older version stays behind
Type: filesandordirs; Name: "{app}\_internal"

[Files]
; closeloop.exe (windowed), closeloop-cli.exe (console, for the headless commands) and _internal\
Source: "{#Dist}\closeloop\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{cm:AppName}"; Filename: "{app}\closeloop.exe"; WorkingDir: "{userdocs}"
Name: "{autodesktop}\{cm:AppName}"; Filename: "{app}\closeloop.exe"; WorkingDir: "{userdocs}"; Tasks: desktopicon

[Run]
Filename: "{app}\closeloop.exe"; Description: "{cm:LaunchProgram,{cm:AppName}}"; Flags: nowait postinstall skipifsilent

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
var
  DataDir: String;
begin
  if CurUninstallStep = usPostUninstall then
  begin
    DataDir := ExpandConstant('{userappdata}\Closeloop');
    if DirExists(DataDir) and not UninstallSilent then
      MsgBox(FmtMessage(CustomMessage('DataKept'), [DataDir]), mbInformation, MB_OK);
  end;
end;
