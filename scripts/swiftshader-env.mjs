// The environment under which Dawn (the `webgpu` npm package) finds SwiftShader's Vulkan driver,
// unpacked into .swiftshader/ by scripts/swiftshader.sh. It must be set before Node starts (the
// dynamic loader reads it once), so test/run.mjs and bench/run.mjs pass it to the processes they spawn.
import { join } from 'node:path';

export function swiftshaderEnv(root, base = process.env) {
  const driver = join(root, '.swiftshader');
  return {
    ...base,
    XDG_RUNTIME_DIR: base.XDG_RUNTIME_DIR ?? '/tmp', // silences harmless Mesa layer warnings
    LD_LIBRARY_PATH: [driver, base.LD_LIBRARY_PATH].filter(Boolean).join(':'),
    VK_ICD_FILENAMES: join(driver, 'vk_swiftshader_icd.json'),
  };
}
