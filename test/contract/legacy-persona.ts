/**
 * The persona prompt the legacy app's /api/start_chat stores in chat_settings.system_prompt
 * (docs/legacy-app.md §8), written out here apart from both implementations: the checks and
 * the unit tests of the stand-in and the new services compare against this text.
 */

export const PERSONA_PARTNERS: Readonly<Record<string, string>> = {
  colleague: '同年代の同僚',
  senior: '入社5年目程度の先輩社員',
  junior: '入社2年目の後輩社員',
  boss: '40代の課長',
  client: '取引先の担当者（30代後半）'
}

export const PERSONA_SITUATIONS: Readonly<Record<string, string>> = {
  lunch: 'ランチ休憩中のカフェテリアで',
  break: '午後の休憩時間、休憩スペースで',
  morning: '朝、オフィスに到着して席に着く前',
  evening: '終業後、退社準備をしている時間',
  party: '部署の懇親会で'
}

export const PERSONA_TOPICS: Readonly<Record<string, string>> = {
  general: '天気や週末の予定など、一般的な話題',
  hobby: '趣味や休日の過ごし方について',
  news: '最近のニュースや時事問題について',
  food: 'ランチや食事、おすすめのお店について',
  work: '仕事に関する一般的な内容（機密情報は避ける）'
}

/** What a key outside each table gets. */
export const PERSONA_FALLBACKS = { partner: '同僚', situation: 'オフィスで', topic: '一般的な話題' } as const

/** The stored prompt for three descriptions, line for line. */
export function personaPromptFor (partner: string, situation: string, topic: string): string {
  return [
    'あなたは職場での雑談練習をサポートするAIアシスタントです。',
    '# 設定',
    `- 相手: ${partner}`,
    `- 状況: ${situation}`,
    `- 話題: ${topic}`,
    '',
    '# 会話の方針',
    '1. 指定された立場の人物として自然に振る舞ってください',
    '2. 相手が話しやすいように、適度に質問を投げかけてください',
    '3. 会話の流れを維持するよう努めてください',
    '4. 仕事に関する質問が来ても、機密情報などには言及せず一般的な回答をしてください',
    '',
    '# 応答の制約',
    '- 一回の返答は3行程度に収めてください',
    '- 雑談らしい自然な対話を心がけてください',
    '- 敬語と略語のバランスを相手との関係性に合わせて調整してください',
    '',
    '# 【重要】出力形式について',
    '- セリフのみを出力してください',
    '- 動作描写やト書き（例：「（うつむきながら）」「*ため息をつく*」「【沈黙】」など）は一切含めないでください',
    '- 括弧書きの感情表現や状況説明は禁止です',
    '- 純粋な会話文のみを返してください'
  ].join('\n')
}

/** The prompt legacy stores for these start_chat keys. */
export function legacyPersonaPrompt (partnerType: string, situation: string, topic: string): string {
  return personaPromptFor(
    Object.hasOwn(PERSONA_PARTNERS, partnerType) ? PERSONA_PARTNERS[partnerType] : PERSONA_FALLBACKS.partner,
    Object.hasOwn(PERSONA_SITUATIONS, situation) ? PERSONA_SITUATIONS[situation] : PERSONA_FALLBACKS.situation,
    Object.hasOwn(PERSONA_TOPICS, topic) ? PERSONA_TOPICS[topic] : PERSONA_FALLBACKS.topic
  )
}

/** Every partner type × situation × topic the tables define: 125 combinations. */
export function personaCombinations (): Array<[string, string, string]> {
  return Object.keys(PERSONA_PARTNERS).flatMap((partner) =>
    Object.keys(PERSONA_SITUATIONS).flatMap((situation) =>
      Object.keys(PERSONA_TOPICS).map((topic): [string, string, string] => [partner, situation, topic])))
}

/**
 * Keys outside the tables, each with the descriptions legacy uses: one unknown slot at a time,
 * all three, and names a plain object lookup would wrongly find (Python's dict.get does not).
 */
export const PERSONA_FALLBACK_CASES: ReadonlyArray<{ keys: [string, string, string], expected: [string, string, string] }> = [
  { keys: ['friend', 'lunch', 'food'], expected: [PERSONA_FALLBACKS.partner, PERSONA_SITUATIONS.lunch, PERSONA_TOPICS.food] },
  { keys: ['boss', 'meeting', 'news'], expected: [PERSONA_PARTNERS.boss, PERSONA_FALLBACKS.situation, PERSONA_TOPICS.news] },
  { keys: ['junior', 'party', 'sports'], expected: [PERSONA_PARTNERS.junior, PERSONA_SITUATIONS.party, PERSONA_FALLBACKS.topic] },
  { keys: ['', '', ''], expected: [PERSONA_FALLBACKS.partner, PERSONA_FALLBACKS.situation, PERSONA_FALLBACKS.topic] },
  { keys: ['Boss', 'LUNCH', ' general'], expected: [PERSONA_FALLBACKS.partner, PERSONA_FALLBACKS.situation, PERSONA_FALLBACKS.topic] },
  { keys: ['constructor', 'toString', '__proto__'], expected: [PERSONA_FALLBACKS.partner, PERSONA_FALLBACKS.situation, PERSONA_FALLBACKS.topic] }
]
