// The desktop app's entry (package.json "main", which Electron starts): the main process that
// electron-vite builds into out/main. This small file is the entry rather than out/main/index.js
// because npm always packs the "main" file, and the npm package ships the CLI, not the desktop app.
import '../out/main/index.js';
