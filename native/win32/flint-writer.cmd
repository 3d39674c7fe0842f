@echo off
rem Launcher of the Flint writer helper in the packaged app (Windows), started elevated with
rem Start-Process -Verb RunAs. Sets ELECTRON_RUN_AS_NODE so Flint.exe runs the bundled helper as Node.
setlocal
set ELECTRON_RUN_AS_NODE=1
"%~dp0..\..\..\Flint.exe" "%~dp0..\writer\main.mjs" %*
exit /b %ERRORLEVEL%
