/** Scenario listing, categories, scenario_chat flow (normal and reverse role), clear, feedback, assist. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { ContractClient } from '../contract-client.js'
import type { ContractCheck } from '../contract-suite.js'
import { legacyScenarioOrder } from '../directory-listing.js'
import { NAIVE_ISO_TIMESTAMP } from '../wire.js'
import { expectExactBody, expectJson, expectNonEmptyString, expectRouteError, sortedKeys } from './assertions.js'
import { STRENGTH_AXES } from './chat-checks.js'

const SUMMARY_KEYS = ['category', 'description', 'difficulty', 'id', 'requires_consent', 'tags', 'title']

/**
 * The body legacy's views answer for an unknown scenario themselves (their error decorator, not
 * the app's handlers): the AppError shape without error_id, as Flask jsonify bytes.
 */
export const scenarioNotFoundBody = (id: string): string =>
  `{"error":{"code":"RESOURCE_NOT_FOUND","message":"\\u30b7\\u30ca\\u30ea\\u30aa\\u304c\\u898b\\u3064\\u304b\\u308a\\u307e\\u305b\\u3093 (ID: ${id})"}}\n`
const SCENARIO_ID_REQUIRED_BODY = '{"error":{"code":"VALIDATION_ERROR","message":"\\u30b7\\u30ca\\u30ea\\u30aaID\\u304c\\u5fc5\\u8981\\u3067\\u3059"}}\n'

const yamlScenario = (title: string, extra = ''): string =>
  `title: ${title}\ndescription: ${title}の説明\ndifficulty: 初級\ntags: [順序]\nlearning_points: []\nfeedback_points: []\n${extra}`
const yamlList = (entries: Array<[string, string]>): string =>
  'scenarios:\n' + entries.map(([id, extra]) => `  - id: ${id}\n    title: ${id}\n    description: d\n    difficulty: beginner\n    tags: []\n${extra}`).join('')

/**
 * A folder with ties on 1 and 10 across files (as the legacy folder has: scenario1, training_01,
 * gray_zone_01; gray_zone_10, scenario10) and an id without a number.
 */
const ORDER_FOLDER: Record<string, string> = {
  'scenario1.yaml': yamlScenario('一'),
  'scenario2.yaml': yamlScenario('二'),
  'scenario10.yaml': yamlScenario('十'),
  'scenario31.yaml': yamlScenario('三十一'),
  'harassment_gray_zones.yaml': yamlList([['gray_zone_01', ''], ['gray_zone_02', ''], ['gray_zone_10', '']]),
  'harassment_training.yaml': yamlList([['training_01', '    category: harassment_prevention\n']]),
  'onboarding.yaml': yamlList([['onboarding_10', ''], ['orientation', '']])
}
const ORDER_FOLDER_HARASSMENT = new Set(['scenario31', 'training_01'])

export const scenarioChecks: ContractCheck[] = [
  {
    name: 'scenario: categorized_scenarios lists every scenario by the legacy category rules',
    async run (t, { client, scenarios }) {
      const response = await client().get('/api/categorized_scenarios')
      expectJson(t, response, 200, 'categorized_scenarios')
      t.same(sortedKeys(response.json), ['harassment_prevention', 'regular_communication'])
      const listed = [...response.json.regular_communication, ...response.json.harassment_prevention]
      t.same(listed.map((s: any) => s.id).sort(), [...scenarios.all.keys()].sort(), 'every scenario of the folder, once')
      const order = await legacyScenarioOrder(scenarios.dir)
      for (const [key, harassment] of [['regular_communication', false], ['harassment_prevention', true]] as const) {
        t.same(response.json[key].map((s: any) => s.id), order.filter((id) => scenarios.all.get(id)?.harassment === harassment),
          `${key} in the legacy order: trailing number, ties as the folder lists its files`)
        for (const summary of response.json[key]) {
          t.same(sortedKeys(summary), SUMMARY_KEYS, `${summary.id} summary keys`)
          t.equal(summary.category, key, `${summary.id} category`)
          t.equal(summary.requires_consent, harassment, `${summary.id} requires_consent`)
          t.equal(scenarios.all.get(summary.id)?.harassment, harassment, `${summary.id} is listed where the rules put it`)
          t.equal(summary.title, scenarios.all.get(summary.id)?.fields.title, `${summary.id} title from YAML`)
          t.ok(Array.isArray(summary.tags), `${summary.id} tags is a list`)
        }
      }
    }
  },
  {
    name: 'scenario: /api/scenario/:id/category',
    async run (t, { client, scenarios }) {
      const browser = client()
      for (const scenario of [scenarios.regular, scenarios.reverse, scenarios.listEntry]) {
        const response = await browser.get(`/api/scenario/${scenario.id}/category`)
        expectJson(t, response, 200, scenario.id)
        t.same(response.json, {
          scenario_id: scenario.id,
          category: scenario.harassment ? 'harassment_prevention' : 'regular_communication',
          requires_consent: scenario.harassment
        })
      }
      for (const id of ['scenario99', 'scenario999', 'Scenario1', 'no_such_scenario']) {
        expectExactBody(t, await browser.get(`/api/scenario/${id}/category`), 404, scenarioNotFoundBody(id), `unknown id ${id}`)
      }
    }
  },
  {
    name: 'scenario: number ties keep the folder\'s listing order',
    async run (t, { startTarget }) {
      const dir = await mkdtemp(path.join(tmpdir(), 'contract-scenario-order-'))
      t.teardown(async () => await rm(dir, { recursive: true, force: true }))
      for (const [file, text] of Object.entries(ORDER_FOLDER)) await writeFile(path.join(dir, file), text)
      const target = await startTarget({ scenariosDir: dir })
      t.teardown(async () => await target.close())
      const order = await legacyScenarioOrder(dir)
      t.equal(order[0], 'orientation', 'an id without a trailing number sorts as 0')
      const browser = new ContractClient(target.baseUrl)
      const response = await browser.get('/api/categorized_scenarios')
      expectJson(t, response, 200, 'categorized_scenarios')
      t.same(response.json.regular_communication.map((s: any) => s.id), order.filter((id) => !ORDER_FOLDER_HARASSMENT.has(id)),
        'regular_communication: ties as the folder lists the files')
      t.same(response.json.harassment_prevention.map((s: any) => s.id), order.filter((id) => ORDER_FOLDER_HARASSMENT.has(id)),
        'harassment_prevention')
      const category = await browser.get('/api/scenario/orientation/category')
      expectJson(t, category, 200, 'category of an id outside the scenario_chat id syntax')
      t.same(category.json, { scenario_id: 'orientation', category: 'regular_communication', requires_consent: false })
    }
  },
  {
    name: 'scenario: scenario_chat rejects bad ids and models',
    async run (t, { client, scenarios }) {
      const browser = client()
      for (const id of ['scenario999', '../etc/passwd', '', 'Scenario1']) {
        expectRouteError(t, await browser.postWithCsrf('/api/scenario_chat', { scenario_id: id, message: '' }), 400, '無効なシナリオIDです', `id "${id}"`)
      }
      expectRouteError(t, await browser.postWithCsrf('/api/scenario_chat', { scenario_id: scenarios.regular.id, message: '', model: 'gpt-4' }),
        400, '無効なモデル名です', 'model gpt-4')
    }
  },
  {
    name: 'scenario: an empty first message starts the scenario, later turns are stored',
    async run (t, { client, session, scenarios }) {
      const browser = client()
      const id = scenarios.regular.id
      const opening = await browser.postWithCsrf('/api/scenario_chat', { scenario_id: id, message: '', model: null })
      expectJson(t, opening, 200, 'opening')
      t.same(sortedKeys(opening.json), ['response'])
      expectNonEmptyString(t, opening.json.response, 'opening response')
      let stored = await session(browser) as any
      t.equal(stored.scenario_history[id].length, 1)
      t.same(sortedKeys(stored.scenario_history[id][0]), ['ai', 'human', 'timestamp'])
      t.equal(stored.scenario_history[id][0].human, '[シナリオ開始]')
      t.match(stored.scenario_settings[id].start_time, NAIVE_ISO_TIMESTAMP)

      const turn = await browser.postWithCsrf('/api/scenario_chat', { scenario_id: id, message: 'お時間よろしいでしょうか' })
      expectJson(t, turn, 200, 'second turn')
      stored = await session(browser)
      t.equal(stored.scenario_history[id].length, 2)
      t.equal(stored.scenario_history[id][1].human, 'お時間よろしいでしょうか')
      const history = await browser.post('/api/conversation_history', { type: 'scenario', scenario_id: id })
      t.same(history.json, { history: stored.scenario_history[id] }, 'conversation_history type scenario')
    }
  },
  {
    name: 'scenario: a non-empty first message is stored as the human turn',
    async run (t, { client, session, scenarios }) {
      const browser = client()
      await browser.postWithCsrf('/api/scenario_chat', { scenario_id: scenarios.regular.id, message: 'はじめまして' })
      const stored = await session(browser) as any
      t.equal(stored.scenario_history[scenarios.regular.id][0].human, 'はじめまして')
    }
  },
  {
    name: 'scenario: a reverse-role scenario opens with its situation',
    async run (t, { client, session, scenarios }) {
      const browser = client()
      const { id, fields } = scenarios.reverse
      const response = await browser.postWithCsrf('/api/scenario_chat', { scenario_id: id, message: '' })
      expectJson(t, response, 200, 'reverse opening')
      const expected = `【状況】\n${fields.initial_context}\n\n（部下があなたの指示を待っています。上司として最初の声かけをしてください）`
      t.equal(response.json.response, expected)
      const stored = await session(browser) as any
      t.match(stored.scenario_history[id][0], { human: '[シナリオ開始]', ai: expected })
    }
  },
  {
    name: 'scenario: scenario_clear',
    async run (t, { client, session, scenarios }) {
      const browser = client()
      const id = scenarios.regular.id
      await browser.postWithCsrf('/api/scenario_chat', { scenario_id: id, message: '' })
      expectRouteError(t, await browser.post('/api/scenario_clear', {}), 400, '無効なシナリオIDです', 'no id')
      const response = await browser.post('/api/scenario_clear', { scenario_id: id })
      expectJson(t, response, 200, 'scenario_clear')
      t.same(response.json, { message: 'シナリオ履歴がクリアされました', status: 'success' })
      t.same((await session(browser) as any).scenario_history[id] ?? [], [], 'history cleared')
    }
  },
  {
    name: 'scenario: scenario_feedback rewards once per history',
    async run (t, { client, scenarios }) {
      const browser = client()
      const id = scenarios.regular.id
      expectRouteError(t, await browser.postWithCsrf('/api/scenario_feedback', { scenario_id: id }), 404, '会話履歴が見つかりません', 'no history')
      expectRouteError(t, await browser.postWithCsrf('/api/scenario_feedback', { scenario_id: 'scenario999' }), 400, '無効なシナリオIDです', 'unknown id')
      await browser.postWithCsrf('/api/scenario_chat', { scenario_id: id, message: '' })
      await browser.postWithCsrf('/api/scenario_chat', { scenario_id: id, message: '申し訳ありません、遅れています' })
      const first = await browser.postWithCsrf('/api/scenario_feedback', { scenario_id: id })
      expectJson(t, first, 200, 'feedback')
      t.ok(['feedback', 'gamification', 'model_used', 'scenario', 'strength_analysis'].every((k) => k in first.json), 'required keys')
      expectNonEmptyString(t, first.json.feedback, 'feedback')
      t.equal(first.json.scenario, scenarios.regular.fields.title, 'scenario is the title')
      t.same(sortedKeys(first.json.strength_analysis.scores), STRENGTH_AXES)
      t.same(sortedKeys(first.json.gamification.xp_gained), STRENGTH_AXES, 'first call gains XP')
      const second = await browser.postWithCsrf('/api/scenario_feedback', { scenario_id: id })
      t.same(second.json.gamification, { already_rewarded: true }, 'a repeat with the same history is not rewarded')
    }
  },
  {
    name: 'scenario: get_assist',
    async run (t, { client, scenarios }) {
      const response = await client().post('/api/get_assist', { scenario_id: scenarios.regular.id, current_context: 'AI: どうした？' })
      expectJson(t, response, 200, 'get_assist')
      t.same(sortedKeys(response.json), ['suggestion'])
      expectNonEmptyString(t, response.json.suggestion, 'suggestion')
    }
  },
  {
    name: 'scenario: get_assist answers an unknown or missing id without error_id',
    async run (t, { client }) {
      const browser = client()
      for (const id of ['scenario99', 'Scenario1']) {
        expectExactBody(t, await browser.post('/api/get_assist', { scenario_id: id, current_context: '' }), 404, scenarioNotFoundBody(id), `unknown id ${id}`)
      }
      for (const body of [{ current_context: 'AI: どうした？' }, { scenario_id: '' }, { scenario_id: null }]) {
        expectExactBody(t, await browser.post('/api/get_assist', body), 400, SCENARIO_ID_REQUIRED_BODY, `no id in ${JSON.stringify(body)}`)
      }
    }
  }
]
