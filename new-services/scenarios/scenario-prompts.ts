/**
 * Prompts of the scenario role-play. Scenarios without `character_setting` (the list-style
 * gray_zone and training ones) get a prompt from their `ai_role` and `initial_situation`
 * instead of the legacy placeholder ("未設定") prompt.
 */
import type { Exchange } from '../chat/history.js'
import type { Scenario } from './scenario-types.js'

export const SCENARIO_START_MARKER = '[シナリオ開始]'

export function isReverseScenario (scenario: Scenario): boolean {
  return scenario.role_type === 'reverse'
}

/** `role_info` "AIは上司役、あなたは新入社員": the AI's part before "、", without "AIは". */
export function aiRoleName (scenario: Scenario): string {
  if (typeof scenario.role_info === 'string' && scenario.role_info !== '') return scenario.role_info.split('、')[0].replace('AIは', '')
  return typeof scenario.ai_role === 'string' ? scenario.ai_role : '相手役'
}

export function userRoleName (scenario: Scenario): string {
  if (typeof scenario.role_info === 'string' && scenario.role_info.includes('、')) return scenario.role_info.split('、')[1].replace('あなたは', '')
  return typeof scenario.user_role === 'string' ? scenario.user_role : 'ユーザー'
}

export function scenarioSystemPrompt (scenario: Scenario): string {
  if (isReverseScenario(scenario) && typeof scenario.system_prompt === 'string') return scenario.system_prompt
  const setting = scenario.character_setting ?? {}
  const situation = setting.situation ?? (typeof scenario.initial_situation === 'string' ? scenario.initial_situation : '')
  return [
    `あなたは${aiRoleName(scenario)}として振る舞います。`,
    setting.personality != null ? `性格: ${setting.personality}` : '',
    setting.speaking_style != null ? `話し方: ${setting.speaking_style}` : '',
    situation !== '' ? `状況: ${situation}` : '',
    `シナリオ: ${scenario.description}`,
    'セリフのみを日本語で出力し、ト書きや説明は書かないでください。'
  ].filter((line) => line !== '').join('\n')
}

export function scenarioOpeningInstruction (scenario: Scenario): string {
  const approach = scenario.character_setting?.initial_approach
  return approach != null && approach !== ''
    ? `次の方針で、最初の一言を話してください: ${approach}`
    : '設定に沿って、あなたから最初の一言を話してください。'
}

export function reverseScenarioOpening (scenario: Scenario): string {
  return `【状況】\n${String(scenario.initial_context ?? '')}\n\n（部下があなたの指示を待っています。上司として最初の声かけをしてください）`
}

export function scenarioFeedbackPrompt (scenario: Scenario, history: Exchange[]): string {
  const transcript = history
    .filter((e) => e.human !== SCENARIO_START_MARKER)
    .flatMap((e) => [`ユーザー: ${e.human}`, `AI: ${e.ai}`])
    .join('\n')
  const heading = isReverseScenario(scenario) ? 'パワハラ防止評価' : '職場コミュニケーション評価'
  return [
    `# ${heading}`,
    `シナリオ「${scenario.title}」で${userRoleName(scenario)}を演じたユーザーの会話を評価し、マークダウンでフィードバックしてください。`,
    '## 会話', transcript,
    '## 出力形式', '総合評価、良かった点、改善点、次のステップの順に簡潔に。'
  ].join('\n')
}

export function assistPrompt (scenario: Scenario, currentContext: string): string {
  return [
    `シナリオ「${scenario.title}」の練習中のユーザーに、次の発言のヒントを1〜2文で提案してください。`,
    `シナリオ: ${scenario.description}`,
    `学習ポイント: ${scenario.learning_points.join('、')}`,
    `現在の会話: ${currentContext}`
  ].join('\n')
}
