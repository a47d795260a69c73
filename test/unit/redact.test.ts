import { describe, expect, it } from 'vitest';
import { redactSecrets, redactWebhookUrl } from '../../src/shared/redact.js';

describe('redactSecrets', () => {
  it('masks the password of a credentialed URL and keeps the rest', () => {
    expect(redactSecrets('cannot reach mysql://root:s3cret@db.example:3306/booking now')).toBe(
      'cannot reach mysql://root:***@db.example:3306/booking now',
    );
    expect(redactSecrets('mariadb://ops:p%40ss%2Fw@10.0.0.1/booking')).toBe('mariadb://ops:***@10.0.0.1/booking');
    expect(redactSecrets('a mysql://a:x@h1/d and https://b:y@h2/p')).toBe('a mysql://a:***@h1/d and https://b:***@h2/p');
  });

  it('masks all of a password that holds a raw @', () => {
    const text = redactSecrets('url mysql://root:P@ss@word@db.example/booking');
    expect(text).toBe('url mysql://root:***@db.example/booking');
    expect(text).not.toContain('word');
  });

  it('leaves URLs without a password alone', () => {
    for (const text of ['mysql://root@db.example:3306/booking', 'mysql://db.example:3306/booking', 'see https://example.com/a?b=c']) {
      expect(redactSecrets(text)).toBe(text);
    }
  });

  it('masks password=, token: and friends in text and JSON', () => {
    expect(redactSecrets('password=hunter2 user=root')).toBe('password=*** user=root');
    expect(redactSecrets('PWD: hunter2;')).toBe('PWD: ***;');
    expect(redactSecrets('?token=abc123&next=1')).toBe('?token=***&next=1');
    expect(redactSecrets('{"user":"root","password":"hunter2"}')).toBe('{"user":"root","password":"***"}');
    expect(redactSecrets("secret='xyz'")).toBe("secret='***'");
  });

  it('masks known secrets wherever they appear, literally', () => {
    expect(redactSecrets('it was Wr0ng-Pa55word! twice: Wr0ng-Pa55word!', ['Wr0ng-Pa55word!'])).toBe('it was *** twice: ***');
    expect(redactSecrets('a.b*c(d) and abbbc', ['a.b*c(d)'])).toBe('*** and abbbc');
    expect(redactSecrets('x', [])).toBe('x');
  });

  it('does not treat one- or two-character secrets as secrets (they would mangle every message)', () => {
    expect(redactSecrets('Access denied for user root', ['o'])).toBe('Access denied for user root');
  });

  it('leaves text without secrets unchanged', () => {
    const text = "Table 'booking.BOOKING_PLAN' doesn't exist";
    expect(redactSecrets(text, ['s3cret'])).toBe(text);
  });
});

describe('redactWebhookUrl', () => {
  it('keeps the scheme, host and port, and hides the path and query (often the secret itself)', () => {
    expect(redactWebhookUrl('https://hooks.slack.com/services/T000/B000/XXXXSECRET')).toBe('https://hooks.slack.com/***');
    expect(redactWebhookUrl('http://127.0.0.1:8080/hook?token=abc')).toBe('http://127.0.0.1:8080/***');
    expect(redactWebhookUrl('https://user:pw@alerts.example/')).toBe('https://alerts.example');
    expect(redactWebhookUrl('not a url with s3cret')).toBe('***');
  });
});
