// A webdienst of the interop tests registered the way an operator does it (src/admin), for an
// organisation of its own that the law lets process the BSN.
import { addOrganisation } from '../../../src/admin/organisations.ts';
import { addSamlWebdienst, type NewSamlWebdienst } from '../../../src/admin/saml-webdiensten.ts';
import { addOidcWebdienst, type NewOidcWebdienst } from '../../../src/admin/webdiensten.ts';
import { systemClock } from '../../../src/core/clock.ts';
import { createServices } from '../../../src/services.ts';
import { uniqueOin } from '../../support/relying-party.ts';
import type { TestServer } from '../../support/server.ts';

async function newOrganisation(server: TestServer, name: string) {
  const { adminDeps } = createServices(server.config, server.store, systemClock);
  const organisation = await addOrganisation(adminDeps, { name, oin: uniqueOin(), bsnEntitled: true });
  return { adminDeps: { ...adminDeps, environment: server.config.environment }, oin: organisation.oin };
}

export type SamlRegistration = { organisationName: string } & Omit<NewSamlWebdienst, 'organisationOin'>;

export async function registerSamlWebdienst(server: TestServer, registration: SamlRegistration) {
  const { organisationName, ...webdienst } = registration;
  const { adminDeps, oin } = await newOrganisation(server, organisationName);
  return addSamlWebdienst(adminDeps, { ...webdienst, organisationOin: oin });
}

export type OidcRegistration = { organisationName: string } & Omit<NewOidcWebdienst, 'organisationOin'>;

export async function registerOidcWebdienst(server: TestServer, registration: OidcRegistration) {
  const { organisationName, ...webdienst } = registration;
  const { adminDeps, oin } = await newOrganisation(server, organisationName);
  return addOidcWebdienst(adminDeps, { ...webdienst, organisationOin: oin });
}
