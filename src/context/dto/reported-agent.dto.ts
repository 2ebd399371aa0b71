import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

/**
 * Who acts, as the dashboard app reports it: the fields every panel action body (discount code,
 * escalation, order action) carries. Used only with the shared context token; with an agent token
 * the token's owner is recorded.
 */
export class ReportedAgentDto {
  @ApiPropertyOptional({
    description:
      "The Chatwoot agent id the dashboard app reports (appContext.currentAgent.id). Used only with the context token; with an agent token the token's owner is recorded",
    minimum: 1,
    maximum: 2_147_483_647,
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  // Chatwoot's user ids are 4-byte integers, and so are the columns that record them.
  @Max(2_147_483_647)
  agentId?: number;

  @ApiPropertyOptional({ description: 'The agent name the dashboard app reports (context token only)', maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  agentName?: string;
}
