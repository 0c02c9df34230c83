// Needed only inside this repository. Here "ankorstore-client" is the package built in
// ../../pkg, linked by the `file:` dependency of package.json; it lies outside this project,
// and Vite's dev server serves files outside the project (the package's .wasm) only from
// allowed folders. In your own project, with the package installed from npm, no Vite
// configuration is needed: delete this file.
import { defineConfig, searchForWorkspaceRoot } from "vite";

export default defineConfig({
  server: {
    fs: { allow: [searchForWorkspaceRoot(process.cwd()), "../../pkg"] },
  },
});
