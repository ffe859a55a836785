/**
 * TwiML answers built with Twilio's own helper (twilio/lib/twiml/VoiceResponse), so every verb
 * and attribute is one Twilio documents. One small vocabulary for the call flow: say, ask, hand
 * over, hang up.
 */
import VoiceResponse from 'twilio/lib/twiml/VoiceResponse.js'

const VOICE = { language: 'en-US' as const }

export class Answer {
  readonly response = new VoiceResponse()
  /** Everything said in this answer, for the call's transcript (what the caller heard). */
  readonly said: string[] = []

  say(...sentences: (string | null | undefined | false)[]): this {
    for (const s of sentences) {
      if (!s) continue
      this.response.say(VOICE, s)
      this.said.push(s)
    }
    return this
  }

  /**
   * Asks for keys (and speech, when `speech`): the answer goes to `action`, also when the caller
   * says nothing (actionOnEmptyResult), so silence is counted like a wrong key.
   */
  ask(action: string, prompt: string[], opts: { numDigits?: number; speech?: boolean; finishOnKey?: string; timeout?: number } = {}): this {
    const gather = this.response.gather({
      action,
      method: 'POST',
      input: opts.speech ? ['dtmf', 'speech'] : ['dtmf'],
      actionOnEmptyResult: true,
      timeout: opts.timeout ?? 6,
      ...(opts.numDigits ? { numDigits: opts.numDigits } : {}),
      ...(opts.finishOnKey ? { finishOnKey: opts.finishOnKey } : {}),
      ...(opts.speech ? { speechTimeout: 'auto', language: 'en-US' as const } : {}),
    })
    for (const p of prompt) {
      gather.say(VOICE, p)
      this.said.push(p)
    }
    return this
  }

  /** Connects the caller to a person at `number`. */
  dial(number: string, action: string): this {
    this.response.dial({ action, method: 'POST', timeout: 30 }, number)
    this.said.push(`[transferred to ${number}]`)
    return this
  }

  hangup(): this {
    this.response.hangup()
    return this
  }

  toString(): string {
    return this.response.toString()
  }
}
