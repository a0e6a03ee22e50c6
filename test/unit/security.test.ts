import { describe, expect, it } from 'vitest';
import { schemeDifferences, securityChanges } from '../../src/breaking/diff/security.ts';
import { admits, describeAccess, type SecurityRequirement } from '../../src/compiler/ir.ts';

// `req('bearer:a,b', 'key')`: one Security Requirement Object naming each scheme with its roles.
const req = (...schemes: string[]): SecurityRequirement => ({
  schemes: schemes.map((text) => {
    const [scheme = '', roles = ''] = text.split(':');
    return { scheme, roles: roles === '' ? [] : roles.split(',') };
  }),
});
const words = (requirements: SecurityRequirement[]) => requirements.map((requirement) => requirement.schemes.map(({ scheme, roles }) => `${scheme}:${roles.join(',')}`).join(' '));
const changes = (base: SecurityRequirement[], revision: SecurityRequirement[]) => {
  const found = securityChanges(base, revision);
  return {
    tightened: found.tightened.map(([before, after]) => `${words([before])[0]} -> ${words([after])[0]}`),
    removed: words(found.removed),
    loosened: found.loosened.map(([before, after]) => `${words([before])[0]} -> ${words([after])[0]}`),
    added: words(found.added),
  };
};
const none = { tightened: [], removed: [], loosened: [], added: [] };

describe('security requirements as OpenAPI reads them', () => {
  it('needs every role of one requirement, and any one requirement', () => {
    const operation = { security: [req('bearer:writer,moderator'), req('bearer:admin')] };
    expect(admits(operation, ['writer'])).toBe(false);
    expect(admits(operation, ['moderator', 'reader'])).toBe(false);
    expect(admits(operation, ['moderator', 'writer'])).toBe(true);
    expect(admits(operation, ['admin'])).toBe(true);
    expect(admits({ security: [req('bearer:')] }, [])).toBe(true);
    expect(admits({ security: [] }, [])).toBe(true);
  });

  it('says so in the generated documentation', () => {
    expect(describeAccess({ security: [req('bearer:doctor'), req('bearer:org_admin')] })).toBe('Requires bearer with role doctor or org_admin.');
    expect(describeAccess({ security: [req('bearer:writer,moderator,editor'), req('bearer:admin')] })).toBe('Requires bearer with roles writer, moderator and editor; or bearer with role admin.');
    expect(describeAccess({ security: [req('bearer:admin', 'key')] })).toBe('Requires bearer with role admin and key.');
    expect(describeAccess({ security: [] })).toBe('Public: no credentials needed.');
  });
});

describe('securityChanges', () => {
  it('finds nothing when the alternatives are the same, in any order', () => {
    expect(changes([req('bearer:a'), req('bearer:b')], [req('bearer:b'), req('bearer:a')])).toEqual(none);
    expect(changes([req('bearer:a,b')], [req('bearer:b,a')])).toEqual(none);
  });

  it('a role or a scheme added to a requirement tightens it', () => {
    expect(changes([req('bearer:a')], [req('bearer:a,b')])).toEqual({ ...none, tightened: ['bearer:a -> bearer:a,b'] });
    expect(changes([req('bearer:')], [req('bearer:admin')])).toEqual({ ...none, tightened: ['bearer: -> bearer:admin'] });
    expect(changes([req('bearer:a')], [req('bearer:a', 'key')])).toEqual({ ...none, tightened: ['bearer:a -> bearer:a key:'] });
  });

  it('a role replaced by another removes the requirement and adds one', () => {
    expect(changes([req('bearer:a')], [req('bearer:c')])).toEqual({ ...none, removed: ['bearer:a'], added: ['bearer:c'] });
  });

  it('the reverse loosens it', () => {
    expect(changes([req('bearer:a,b')], [req('bearer:a')])).toEqual({ ...none, loosened: ['bearer:a,b -> bearer:a'] });
  });

  it('splitting a requirement into alternatives loosens it and adds one', () => {
    expect(changes([req('bearer:a,b')], [req('bearer:a'), req('bearer:b')])).toEqual({ ...none, loosened: ['bearer:a,b -> bearer:a'], added: ['bearer:b'] });
  });

  it('joining alternatives into one requirement tightens one and removes the other', () => {
    expect(changes([req('bearer:a'), req('bearer:b')], [req('bearer:a,b')])).toEqual({ ...none, tightened: ['bearer:a -> bearer:a,b'], removed: ['bearer:b'] });
  });

  it('dropping an alternative that another still covers removes nobody', () => {
    expect(changes([req('bearer:a'), req('bearer:a,b')], [req('bearer:a')])).toEqual(none);
  });

  it('an alternative added that asks for more admits nobody new, and is only added', () => {
    expect(changes([req('bearer:a')], [req('bearer:a'), req('bearer:a,b')])).toEqual({ ...none, added: ['bearer:a,b'] });
  });
});

describe('schemeDifferences', () => {
  it('names what a client presents differently', () => {
    expect(schemeDifferences({ type: 'http', scheme: 'bearer' }, { type: 'http', scheme: 'Bearer' })).toEqual([]);
    expect(schemeDifferences({ type: 'http', scheme: 'bearer', description: 'a' }, { type: 'http', scheme: 'bearer', description: 'b' })).toEqual([]);
    expect(schemeDifferences({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' }, { type: 'http', scheme: 'bearer', bearerFormat: 'PASETO' })).toEqual(['bearerFormat "JWT" -> "PASETO"']);
    expect(schemeDifferences({ type: 'apiKey', in: 'header', name: 'X-Key' }, { type: 'apiKey', in: 'query', name: 'key' })).toEqual(['in "header" -> "query"', 'name "X-Key" -> "key"']);
    expect(schemeDifferences({ type: 'http', scheme: 'bearer' }, { type: 'oauth2', flows: {} })).toEqual(['type "http" -> "oauth2"', 'scheme "bearer" -> nothing']);
    const flows = (tokenUrl: string) => ({ type: 'oauth2', flows: { clientCredentials: { tokenUrl, scopes: { read: 'Read' } } } });
    expect(schemeDifferences(flows('https://a/token'), flows('https://b/token'))).toEqual(['clientCredentials tokenUrl "https://a/token" -> "https://b/token"']);
    expect(schemeDifferences(flows('https://a/token'), { type: 'oauth2', flows: {} })).toEqual(['the clientCredentials flow is gone']);
  });
});
