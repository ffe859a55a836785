/**
 * Phone and text: Twilio's voice and messaging webhooks (DESIGN.md "Phone and text"). Every
 * request's X-Twilio-Signature is checked before anything is read; the routes live in their own
 * scope with a form-body parser, so nothing else in the app accepts form posts by accident.
 */
import type { FastifyInstance } from 'fastify'
import formbody from '@fastify/formbody'
import { z } from 'zod'
import MessagingResponse from 'twilio/lib/twiml/MessagingResponse.js'
import type { AppDeps } from '../app.ts'
import { requireTwilioSignature } from '../twilio-auth.ts'
import { answerVoiceStep, VOICE_STEPS } from '../../voice/call-flow.ts'
import { answerText } from '../../voice/sms-flow.ts'
import { phoneSettings, smsServices, voiceServices } from '../../voice/wiring.ts'

const VoiceQuerySchema = z.object({
  step: z.enum(VOICE_STEPS).default('start'),
  line: z.coerce.number().int().min(1).max(10_000).optional(),
})

// Twilio sends many fields; these are the ones read. Anything longer than this is not Twilio.
const field = (max: number) => z.string().max(max).optional().default('')
const VoiceFormSchema = z.looseObject({
  CallSid: z.string().min(1).max(64),
  From: field(64),
  Digits: field(64),
  SpeechResult: field(500),
})
const SmsFormSchema = z.looseObject({
  MessageSid: z.string().min(1).max(64),
  From: z.string().min(1).max(64),
  Body: field(1600),
})

const xml = 'text/xml; charset=utf-8'

function refuse(problem: string): string {
  const r = new MessagingResponse()
  return `<!-- ${problem.replace(/--/g, '-')} -->${r.toString()}`
}

/** POST /api/voice/incoming and POST /api/sms/incoming. */
export async function registerPhoneRoutes(app: FastifyInstance, deps: AppDeps): Promise<void> {
  await app.register(async (scope) => {
    await scope.register(formbody, { bodyLimit: 64 * 1024 })
    const guard = requireTwilioSignature(phoneSettings(deps.config))

    scope.post('/api/voice/incoming', { preHandler: guard, schema: { hide: true } }, async (req, reply) => {
      const query = VoiceQuerySchema.safeParse(req.query)
      const form = VoiceFormSchema.safeParse(req.body ?? {})
      if (!query.success || !form.success) {
        return reply.code(400).type(xml).send(refuse(`bad request: ${(query.error ?? form.error)?.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`))
      }
      const services = await voiceServices(deps, form.data.From || null)
      const twiml = await answerVoiceStep(services, {
        callSid: form.data.CallSid, from: form.data.From || null, step: query.data.step, line: query.data.line ?? null,
        digits: form.data.Digits, speech: form.data.SpeechResult,
      })
      return reply.type(xml).send(twiml)
    })

    scope.post('/api/sms/incoming', { preHandler: guard, schema: { hide: true } }, async (req, reply) => {
      const form = SmsFormSchema.safeParse(req.body ?? {})
      if (!form.success) {
        return reply.code(400).type(xml).send(refuse(`bad request: ${form.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`))
      }
      const services = await smsServices(deps, form.data.From)
      const params = Object.fromEntries(Object.entries(req.body as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
      const text = await answerText(services, { messageSid: form.data.MessageSid, from: form.data.From, body: form.data.Body, params })
      const r = new MessagingResponse()
      if (text) r.message(text)
      return reply.type(xml).send(r.toString())
    })
  })
}
