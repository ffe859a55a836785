/** Outreach and channels as the configuration asks for them (only the CLI and workers call this). */
import type { Config } from '../config.ts'
import type { Clock } from '../clock.ts'
import { createMailer } from '../notify/mailer.ts'
import type { Channels } from '../notify/dispatch.ts'
import { createTwilioSms } from '../notify/sms.ts'
import { createRetailerWebhook } from '../notify/retailer-webhook.ts'
import type { OutreachOptions } from './run-outreach.ts'

/** The configuration with its signing secret resolved (WISMO_SECRET or the kept one: src/store/secret.ts). */
export type SignedConfig = Config & { secret: string }

type OutreachConfig = Pick<Config, 'storeName' | 'storeLogoUrl' | 'storePhone' | 'supportEmail' | 'publicUrl' | 'timezone' | 'quietStartHour' | 'quietEndHour' |
  'mailFrom' | 'etaSlipBusinessDays' | 'retailerWebhookUrl' | 'twilioAccountSid' | 'twilioAuthToken' | 'twilioFrom'> & { secret: string }

/** The sweep's outreach options. */
export function outreachOptionsFrom(config: OutreachConfig): Omit<OutreachOptions, 'now' | 'calendar'> {
  return {
    store: { name: config.storeName, phone: config.storePhone, supportEmail: config.supportEmail, publicUrl: config.publicUrl,
      ...(config.storeLogoUrl ? { logoUrl: config.storeLogoUrl } : {}) },
    storeZone: config.timezone,
    quietHours: { startHour: config.quietStartHour, endHour: config.quietEndHour },
    mailFrom: config.mailFrom,
    secret: config.secret,
    smsAvailable: Boolean(config.twilioAccountSid && config.twilioAuthToken && config.twilioFrom),
    webhook: Boolean(config.retailerWebhookUrl),
    slipBusinessDays: config.etaSlipBusinessDays,
  }
}

/** Every channel configured: email always (SMTP or .eml files), SMS and the retailer webhook when set. */
export function channelsFrom(config: SignedConfig, clock: Clock): Channels {
  const ch: Channels = { email: createMailer(config, { clock }) }
  if (config.twilioAccountSid && config.twilioAuthToken && config.twilioFrom) {
    ch.sms = createTwilioSms({ apiUrl: config.twilioApiUrl, accountSid: config.twilioAccountSid, authToken: config.twilioAuthToken, from: config.twilioFrom })
  }
  if (config.retailerWebhookUrl) {
    ch.webhook = createRetailerWebhook({ url: config.retailerWebhookUrl, secret: config.retailerWebhookSecret ?? config.secret })
  }
  return ch
}
