import { ApiProperty } from '@nestjs/swagger';

/** What the storefront's server renders into the page for a signed-in customer (never the hmac_token). */
export class WidgetIdentityDto {
  @ApiProperty({ example: 'cust-1001', description: 'The Chatwoot contact identifier: the platform customer id' })
  identifier: string;

  @ApiProperty({
    example: '5f0c3b6a9e2d41c8b7a6f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0',
    description:
      "hex HMAC-SHA256 of the identifier keyed with the web widget inbox's hmac_token (Chatwoot's identity validation)",
  })
  identifierHash: string;

  @ApiProperty({ example: 'wXkT3mP9qL2vN8rB5sJ7yH4c', description: "The store's web widget token (the SDK's websiteToken)" })
  websiteToken: string;

  @ApiProperty({ type: String, nullable: true, example: 'Ann Example', description: 'For setUser: the SDK needs name or email' })
  name: string | null;

  @ApiProperty({ type: String, nullable: true, example: 'ann@example.com' })
  email: string | null;
}
