import { X509Certificate } from 'node:crypto';

/**
 * What UnionPay's signing certificate says about its owner. The official SDKs split the subject
 * CN at `@` and require the third part to be the company name (CertUtil.getIdentitiesFromCertficate
 * and `verifyCertificate` with ifValidateCNName=true), e.g. `CFCA@…@中国银联股份有限公司@00040000:SIGN`.
 */
export const UNIONPAY_CN_NAME = '中国银联股份有限公司';

/** The third `@`-separated part of the subject CN, or null when there is none. */
export function cnIdentity(cert: X509Certificate): string | null {
  const cn = /^CN=(.*)$/m.exec(cert.subject)?.[1];
  const parts = cn?.split('@');
  return parts && parts.length > 2 ? parts[2] : null;
}

function currentlyValid(cert: X509Certificate, now: number): boolean {
  return Date.parse(cert.validFrom) <= now && now <= Date.parse(cert.validTo);
}

/**
 * UnionPay's trust anchors as configured (its root and middle certificates) and the check every
 * `signPubKeyCert` must pass before its key verifies anything: signed by the middle, the middle
 * signed by the root, all of them currently valid, the middle a CA, and the CN naming UnionPay.
 * A certificate anyone can make (self-signed, or issued by another CA) fails.
 */
export class UnionPayTrust {
  private readonly root: X509Certificate;
  private readonly middle: X509Certificate;
  // Every message carries the same certificate until UnionPay rotates it: check each PEM once.
  private readonly checked = new Map<string, X509Certificate | null>();

  constructor(rootPem: string, middlePem: string) {
    this.root = new X509Certificate(rootPem);
    this.middle = new X509Certificate(middlePem);
    if (!this.middle.checkIssued(this.root) || !this.middle.verify(this.root.publicKey)) {
      throw new Error('the UnionPay middle certificate is not issued by the configured root certificate');
    }
  }

  /** The certificate when it is UnionPay's genuine signing certificate, else null; never throws. */
  signingCertificate(pem: string, now = Date.now()): X509Certificate | null {
    const known = this.checked.get(pem);
    if (known !== undefined) return known && currentlyValid(known, now) ? known : null;
    let result: X509Certificate | null = null;
    try {
      const cert = new X509Certificate(pem);
      const chained =
        cert.checkIssued(this.middle) &&
        cert.verify(this.middle.publicKey) &&
        this.middle.ca &&
        this.middle.checkIssued(this.root) &&
        this.middle.verify(this.root.publicKey);
      const valid = [cert, this.middle, this.root].every((c) => currentlyValid(c, now));
      if (chained && valid && !cert.ca && cnIdentity(cert) === UNIONPAY_CN_NAME) result = cert;
    } catch {
      result = null;
    }
    if (this.checked.size > 20) this.checked.clear();
    this.checked.set(pem, result);
    return result;
  }
}
