// NestJS (Express platform). `rawBody: true` keeps the exact bytes the provider signed on
// `req.rawBody` beside Nest's parsed `req.body`; the controller hands them to
// hookshield and answers the core's status and JSON body.
//   npm run nestjs   (compiles this file with tsc, then runs it)
//   then: node send.js http://127.0.0.1:3000/webhooks document.failed
import 'reflect-metadata';
import { Controller, Module, Post, Req, Res, type RawBodyRequest } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { Request, Response } from 'express';
import { handleDelivery } from 'hookshield';
import { verifier, store, router, onOutcome, PORT, HOST } from '../common.js';

@Controller('webhooks')
class WebhooksController {
  // @Res(): the answer is hookshield's (status and JSON body), not a value Nest serialises.
  @Post()
  async receive(@Req() req: RawBodyRequest<Request>, @Res() res: Response): Promise<void> {
    // `req.rawBody` is set for the content types Nest parses (JSON, form-encoded). Without
    // it, `req.body` is what Nest made of the request, which hookshield cannot verify: it
    // answers 500 invalid_config (the provider retries) and logs the fix.
    const outcome = await handleDelivery({ verifier, store, handler: router, onOutcome }, req.rawBody ?? req.body, req.headers);
    res.status(outcome.status).type('application/json').send(outcome.answer);
  }
}

@Module({ controllers: [WebhooksController] })
class AppModule {}

async function main(): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { rawBody: true, logger: ['error', 'warn'] });
  // Nest's JSON parser refuses bodies over 100 KiB by default: give it the verifier's limit.
  app.useBodyParser('json', { limit: verifier.maxBodyBytes });
  await app.listen(PORT, HOST);
  const address = app.getHttpServer().address();
  console.log(`listening on http://${HOST}:${typeof address === 'object' && address ? address.port : PORT}/webhooks`);
}

void main();
