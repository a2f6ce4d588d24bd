; Sitwell's per-user Windows installer (NSIS 3, Unicode), built by scripts/package-windows:
;   makensis -DVERSION=<x.y.z> -DSTAGE=<folder with the portable layout> -DOUT=<setup.exe>
; No administrator rights: the program goes to %LOCALAPPDATA%\Programs\Sitwell, the Start-menu
; shortcut to the user's Start menu, the uninstaller into "Installed apps" (HKCU). Silent with /S.
; The uninstaller removes the program files and leaves the user's settings, baseline and
; history (%APPDATA%\sitwell, %LOCALAPPDATA%\sitwell) unless it is run with /REMOVEDATA.
Target amd64-unicode
SetCompressor /SOLID lzma
RequestExecutionLevel user
Name "Sitwell"
OutFile "${OUT}"
InstallDir "$LOCALAPPDATA\Programs\Sitwell"
ShowInstDetails nevershow
ShowUninstDetails nevershow

!define APP_ID "io.github.sitwell.Sitwell"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\${APP_ID}"
!define AUMID_KEY "Software\Classes\AppUserModelId\${APP_ID}"

!include "FileFunc.nsh"

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "Sitwell"
VIAddVersionKey "FileDescription" "Sitwell installer"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "LegalCopyright" "The Sitwell authors (MIT OR Apache-2.0)"

Page directory
Page instfiles
UninstPage uninstConfirm
UninstPage instfiles

; ONNX Runtime needs the Visual C++ 2015-2022 runtime (x64); Windows Update and most programs
; bring it. Without it Sitwell cannot judge anything: say where to get it.
Function .onInstSuccess
  IfFileExists "$SYSDIR\vcruntime140_1.dll" vc_ok
  IfSilent vc_ok
    MessageBox MB_OK|MB_ICONINFORMATION "Sitwell needs the Microsoft Visual C++ 2015-2022 runtime (x64), which this PC lacks.$\r$\nGet it from https://aka.ms/vs/17/release/vc_redist.x64.exe and run Sitwell again."
  vc_ok:
FunctionEnd

Section "Sitwell"
  SetShellVarContext current
  SetOutPath "$INSTDIR"
  File /r "${STAGE}\*"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortCut "$SMPROGRAMS\Sitwell.lnk" "$INSTDIR\sitwell.exe" "" "$INSTDIR\sitwell.exe" 0
  ; Toasts are attributed to Sitwell's AppUserModelID by this registration (Sitwell writes it
  ; at start too, for the portable zip).
  WriteRegStr HKCU "${AUMID_KEY}" "DisplayName" "Sitwell"
  WriteRegStr HKCU "${AUMID_KEY}" "IconUri" "$INSTDIR\sitwell.ico"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "Sitwell"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The Sitwell authors"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\sitwell.exe"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

Section "Uninstall"
  SetShellVarContext current
  Delete "$SMPROGRAMS\Sitwell.lnk"
  ; Start at login (Sitwell's own setting) points at the program being removed.
  DeleteRegValue HKCU "Software\Microsoft\Windows\CurrentVersion\Run" "Sitwell"
  DeleteRegKey HKCU "${AUMID_KEY}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  RMDir /r "$INSTDIR\models"
  RMDir /r "$INSTDIR\assets"
  RMDir /r "$INSTDIR\docs"
  RMDir /r "$INSTDIR\licenses"
  Delete "$INSTDIR\sitwell.exe"
  Delete "$INSTDIR\sitwell.ico"
  Delete "$INSTDIR\onnxruntime.dll"
  Delete "$INSTDIR\README.txt"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  ; The user's settings, baseline and history stay unless asked (/REMOVEDATA).
  ${GetParameters} $R0
  ClearErrors
  ${GetOptions} $R0 "/REMOVEDATA" $R1
  IfErrors keep
    RMDir /r "$APPDATA\sitwell"
    RMDir /r "$LOCALAPPDATA\sitwell"
  keep:
SectionEnd
