// Tools OpenAI runs on its side. A foreign provider cannot run them, so they are
// removed from the upstream request and recorded on the turn (decode-tools.ts), and
// a tool_choice forcing one becomes 'auto' with a warning (decode-tool-choice.ts).
export const HOSTED_TOOL_TYPES = new Set([
  'web_search',
  'web_search_2025_08_26',
  'web_search_preview',
  'web_search_preview_2025_03_11',
  'tool_search',
  'file_search',
  'code_interpreter',
  'image_generation',
  'computer',
  'computer_use',
  'computer_use_preview',
  'local_shell',
  'shell',
  'apply_patch',
  'mcp',
]);
