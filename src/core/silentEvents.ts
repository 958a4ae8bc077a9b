/**
 * `EventMsg` types that carry nothing the thread model shows, in a live `codex proto` / legacy `--json` stream and in
 * a rollout alike (deltas whose final form comes later, UI and session bookkeeping). They are recognised, not counted
 * as unknown.
 */
export const SILENT_EVENT_MSGS: readonly string[] = [
  'turn_diff',
  'agent_message_delta',
  'agent_reasoning_delta',
  'agent_reasoning_raw_content',
  'agent_reasoning_raw_content_delta',
  'agent_reasoning_section_break',
  'shutdown_complete',
  'get_history_entry_response',
  'mcp_list_tools_response',
  'list_custom_prompts_response',
  'conversation_path',
  'view_image_tool_call',
  'entered_review_mode',
  'exited_review_mode',
  'mcp_startup_update',
  'mcp_startup_complete',
];
