/** A scenario as the legacy YAML schema describes it, plus what the category manager adds. */

export type ScenarioCategory = 'regular_communication' | 'harassment_prevention'

export interface CharacterSetting {
  personality?: string
  speaking_style?: string
  situation?: string
  initial_approach?: string
}

export interface Scenario {
  id: string
  title: string
  description: string
  difficulty: string
  tags: string[]
  learning_points: string[]
  feedback_points: string[]
  role_info?: string
  character_setting?: CharacterSetting
  role_type?: string
  initial_context?: string
  system_prompt?: string
  category: ScenarioCategory
  requires_consent: boolean
  warning_message?: string
  /** Every other YAML field, kept as it was. */
  [field: string]: unknown
}

export interface ScenarioSummary {
  id: string
  title: string
  description: string
  difficulty: string
  category: ScenarioCategory
  requires_consent: boolean
  tags: string[]
}
