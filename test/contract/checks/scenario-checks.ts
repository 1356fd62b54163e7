/** Scenario listing, categories, scenario_chat flow (normal and reverse role), clear, feedback, assist. */
import type { ContractCheck } from '../contract-suite.js'
import { NAIVE_ISO_TIMESTAMP } from '../wire.js'
import { expectAppError, expectJson, expectNonEmptyString, expectRouteError, sortedKeys } from './assertions.js'
import { STRENGTH_AXES } from './chat-checks.js'

const SUMMARY_KEYS = ['category', 'description', 'difficulty', 'id', 'requires_consent', 'tags', 'title']
const trailingNumber = (id: string): number => Number(/(\d+)$/.exec(id)?.[1])

export const scenarioChecks: ContractCheck[] = [
  {
    name: 'scenario: categorized_scenarios lists every scenario by the legacy category rules',
    async run (t, { client, scenarios }) {
      const response = await client().get('/api/categorized_scenarios')
      expectJson(t, response, 200, 'categorized_scenarios')
      t.same(sortedKeys(response.json), ['harassment_prevention', 'regular_communication'])
      const listed = [...response.json.regular_communication, ...response.json.harassment_prevention]
      t.same(listed.map((s: any) => s.id).sort(), [...scenarios.all.keys()].sort(), 'every scenario of the folder, once')
      for (const [key, harassment] of [['regular_communication', false], ['harassment_prevention', true]] as const) {
        const ids = response.json[key].map((s: any) => s.id)
        t.same(ids.map(trailingNumber), [...ids.map(trailingNumber)].sort((a, b) => a - b), `${key} ordered by trailing number`)
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
      expectAppError(t, await browser.get('/api/scenario/scenario999/category'), 404, 'RESOURCE_NOT_FOUND', 'unknown id')
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
  }
]
