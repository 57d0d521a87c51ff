import { create } from '@bufbuild/protobuf';
import { FailureSchema, type Failure } from '@cardshop/contracts';
import { explainDecline, isDeclineCode } from '@cardshop/payments';

/**
 * A failure as buyers see it: the unified decline code, its cause and remedy in English and
 * Chinese, and the router's next-best channels, which the remedy names. `cause` overrides the
 * English cause when we know more than the code says (risk reasons).
 */
export function failureOf(code: string, alternatives: readonly string[], cause?: string): Failure {
  const unified = isDeclineCode(code) ? code : 'unknown';
  const en = explainDecline(unified, alternatives, 'en');
  const zh = explainDecline(unified, alternatives, 'zh');
  return create(FailureSchema, {
    code: unified, cause: cause || en.cause, remedy: en.remedy, alternatives: [...alternatives],
    localized: [{ lang: 'en', cause: cause || en.cause, remedy: en.remedy }, { lang: 'zh', ...zh }],
  });
}
