import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

export class ContextQueryDto {
  @ApiPropertyOptional({
    description:
      'The Chatwoot agent the dashboard app reports (appContext currentAgent). Used only with the shared context token, ' +
      "to count that agent's discount codes and refunds today, as the create calls record them; a verified agent token wins.",
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  agentId?: number;

  @ApiPropertyOptional({
    description: 'The context token, for callers that cannot set x-context-token (the dashboard app iframe)',
  })
  @IsOptional()
  @IsString()
  token?: string;
}
